use serde_json::Value;
use uuid::Uuid;

use super::describe;
use crate::time::to_micros;
use crate::write::{eq, lookup, Write};
use crate::Recorded;

/// Log entry ids are derived from (event, sequence), so a rebuild writes the same ids.
const ENTRY_NAMESPACE: Uuid = Uuid::from_u128(0x6d1c_54a2_8f0e_4c57_9a0b_2f43_e1d8_7c15);

/// Only `event_view` knows an event's creator, whom `/api/logs` reads by; it is projected
/// before this (see `PROJECTIONS`), in the same transaction, so the row is there.
pub fn project(event: &Recorded) -> Vec<Write> {
    let entry = describe(&event.fact);
    let mut metadata = entry.metadata;
    if let Value::Object(map) = &mut metadata {
        map.insert("via".to_owned(), Value::String(event.via.clone()));
    }
    let id = Uuid::new_v5(
        &ENTRY_NAMESPACE,
        format!("{}/{}", event.event_id, event.sequence).as_bytes(),
    );
    let actor = event.fact.actor();
    vec![Write::insert(
        "activity_log",
        &[
            "id",
            "event_id",
            "sequence",
            "tx",
            "pos",
            "type",
            "action",
            "actor_id",
            "actor_username",
            "metadata",
            "timestamp",
            "creator_id",
        ],
        [
            id.into(),
            event.event_id.into(),
            event.sequence.into(),
            event.position.tx.into(),
            event.position.pos.into(),
            entry.kind.into(),
            entry.action.into(),
            actor.id.into(),
            actor.username.as_str().into(),
            metadata.to_string().into(),
            to_micros(event.fact.at()).into(),
            lookup("event_view", "creator_id", [eq("id", event.event_id)]),
        ],
    )]
}
