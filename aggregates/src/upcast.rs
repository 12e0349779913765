//! Stored events outlive the code that wrote them. When a fact's shape changes, its
//! `event_version` goes up and an upcaster here rewrites the old payloads on load, so that
//! history written by every earlier release still replays.

use cqrs_es::persist::{EventUpcaster, SerializedEvent};

/// The version written with every fact today.
pub const CURRENT_VERSION: &str = "1";

/// The upcasters to run over stored events before they are deserialised, oldest first.
/// No fact has changed shape yet.
pub fn upcasters() -> Vec<Box<dyn EventUpcaster>> {
    Vec::new()
}

/// `event` as the code of today reads it: every upcaster of `upcasters` that knows its
/// type and version applied in turn.
pub fn upcast(upcasters: &[Box<dyn EventUpcaster>], event: SerializedEvent) -> SerializedEvent {
    upcasters.iter().fold(event, |event, upcaster| {
        if upcaster.can_upcast(&event.event_type, &event.event_version) {
            upcaster.upcast(event)
        } else {
            event
        }
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    /// Version `from` of `MemberJoined` becomes `from + 1`, its payload marked with the step.
    struct Step(u8);

    impl EventUpcaster for Step {
        fn can_upcast(&self, event_type: &str, event_version: &str) -> bool {
            event_type == "MemberJoined" && event_version == self.0.to_string()
        }

        fn upcast(&self, mut event: SerializedEvent) -> SerializedEvent {
            event.event_version = (self.0 + 1).to_string();
            event.payload["steps"]
                .as_array_mut()
                .expect("steps")
                .push(json!(self.0));
            event
        }
    }

    fn stored(event_type: &str, version: &str) -> SerializedEvent {
        SerializedEvent {
            aggregate_id: "e".to_owned(),
            sequence: 1,
            aggregate_type: "Event".to_owned(),
            event_type: event_type.to_owned(),
            event_version: version.to_owned(),
            payload: json!({"steps": []}),
            metadata: Value::Null,
        }
    }

    #[test]
    fn an_old_event_passes_every_later_upcaster_in_order() {
        let upcasters: Vec<Box<dyn EventUpcaster>> = vec![Box::new(Step(1)), Box::new(Step(2))];
        let event = upcast(&upcasters, stored("MemberJoined", "1"));
        assert_eq!(event.event_version, "3");
        assert_eq!(event.payload["steps"], json!([1, 2]));
    }

    #[test]
    fn events_no_upcaster_knows_pass_unchanged() {
        let upcasters: Vec<Box<dyn EventUpcaster>> = vec![Box::new(Step(1))];
        for (event_type, version) in [("MemberLeft", "1"), ("MemberJoined", "2")] {
            let event = upcast(&upcasters, stored(event_type, version));
            assert_eq!(
                (event.event_type.as_str(), event.event_version.as_str()),
                (event_type, version)
            );
            assert_eq!(event.payload["steps"], json!([]));
        }
    }
}
