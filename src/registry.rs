//! Every rule implemented in code, assembled from the protocols' own registries. It sits above
//! `proto`, `openapi` and `consistency` so that neither they nor the shared `rules` catalog name each other.

use crate::consistency;
use crate::openapi;
use crate::proto;
use crate::rules::RuleId;

/// The ids of every rule that has code, in registration order.
pub fn implemented() -> impl Iterator<Item = RuleId> {
    let proto = proto::breaking::rules().map(|r| r.id);
    let openapi = openapi::breaking::rules().map(|r| r.id);
    let proto_lint = proto::lint::rules().map(|r| r.id);
    let openapi_lint = openapi::lint::rules().map(|r| r.id);
    let consistency = consistency::RULES.iter().map(|r| r.id);
    proto
        .chain(openapi)
        .chain(proto_lint)
        .chain(openapi_lint)
        .chain(consistency)
}
