//! The CI integrations (action.yml, integrations/gitlab-ci.yml) run scripts/treaty-ci.sh; the
//! pre-commit hooks name treaty's own flags. These hold the names together; the behaviour is
//! replayed by hand with scripts/replay-ci.sh (it needs git history and a shell).

use std::path::Path;

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn ci_integrations_run_the_shared_script() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/treaty-ci.sh");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&script).unwrap().permissions().mode();
        assert!(mode & 0o111 != 0, "scripts/treaty-ci.sh is not executable");
    }
    assert!(read("action.yml").contains("\"$GITHUB_ACTION_PATH/scripts/treaty-ci.sh\""));
    let gitlab = read("integrations/gitlab-ci.yml");
    assert!(gitlab.contains("/scripts/treaty-ci.sh\""), "{gitlab}");
    assert!(gitlab.contains("codequality: gl-code-quality-report.json"));
    assert!(gitlab.contains("TREATY_CODEQUALITY=gl-code-quality-report.json"));
}

#[test]
fn every_pre_commit_hook_has_a_system_twin() {
    let hooks = read(".pre-commit-hooks.yaml");
    let ids: Vec<&str> = hooks
        .lines()
        .filter_map(|l| l.strip_prefix("- id: "))
        .collect();
    for id in ["treaty-breaking", "treaty-lint", "treaty-check"] {
        assert!(ids.contains(&id), "{id} missing: {ids:?}");
        let twin = format!("{id}-system");
        assert!(ids.contains(&twin.as_str()), "{twin} missing: {ids:?}");
    }
}
