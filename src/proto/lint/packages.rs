//! Package names. The API guide: "Version your package (user.v1, user.v2) when a genuinely
//! breaking change is unavoidable, and run both package versions side by side during
//! migration" — which needs a version in the package from the first day.

use super::{Check, Ctx, Sink};
use crate::rules::Rule;

pub const RULES: &[Rule<Check>] = &[Rule::new(
    "proto/package-version-suffix",
    package_version_suffix,
)];

/// buf's notion of a package version: `v1`, `v1test`, `v1testfoo`, `v1beta`, `v1beta2`,
/// `v1p1alpha1`; every number in it is at least 1 (`v01` is 1, `v0` and `v1beta0` are not).
pub fn is_package_version(component: &str) -> bool {
    fn number(s: &str) -> Option<(&str, &str)> {
        let digits = s.chars().take_while(char::is_ascii_digit).count();
        let (n, rest) = s.split_at(digits);
        (digits > 0 && n.bytes().any(|b| b != b'0')).then_some((n, rest))
    }
    fn stability(s: &str) -> bool {
        let Some(rest) = s.strip_prefix("alpha").or_else(|| s.strip_prefix("beta")) else {
            return false;
        };
        rest.is_empty() || number(rest).is_some_and(|(_, tail)| tail.is_empty())
    }
    let Some((_, rest)) = component.strip_prefix('v').and_then(number) else {
        return false;
    };
    if rest.is_empty() || rest.starts_with("test") || stability(rest) {
        return true;
    }
    // `v1p1alpha1`: a point release before the stability.
    rest.strip_prefix('p')
        .and_then(number)
        .is_some_and(|(_, tail)| stability(tail))
}

fn package_version_suffix(ctx: &Ctx, sink: &mut Sink) {
    for file in ctx.files() {
        let Some(package) = &file.ast.package else {
            continue;
        };
        let last = package.name.rsplit('.').next().unwrap_or("");
        if !is_package_version(last) {
            sink.lint(
                file.location(package.span),
                format!(
                    "the package '{}' does not end in a version such as '{}.v1': a breaking \
                     change will have no new package to move to",
                    package.name, package.name
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_versions_follow_buf() {
        for ok in [
            "v1",
            "v2",
            "v10",
            "v1test",
            "v1testfoo",
            "v1alpha",
            "v1beta",
            "v1beta1",
            "v2alpha3",
            "v1p1alpha1",
            "v1p2beta",
            "v01",
        ] {
            assert!(is_package_version(ok), "{ok}");
        }
        for bad in [
            "v0",
            "v00",
            "v1beta0",
            "v",
            "foo",
            "v1gamma",
            "v1beta0x",
            "v1p1",
            "V1",
            "v1alpha1beta",
        ] {
            assert!(!is_package_version(bad), "{bad}");
        }
    }
}
