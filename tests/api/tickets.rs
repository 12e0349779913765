//! Ticket types (seats per type within the capacity), tickets with unguessable codes, and
//! check-in at the door.

use std::sync::Arc;

use serde_json::{json, Value};
use tokio::sync::Barrier;
use uuid::Uuid;

use crate::helpers::*;

fn types(standard: i64, vip: i64) -> Value {
    json!([
        {"name": "Standard", "price": "10.00", "currency": "EUR", "quantity": standard},
        {"name": "VIP", "price": "49.9", "currency": "EUR", "quantity": vip},
    ])
}

/// The id of the event's ticket type called `name`.
fn type_id(event: &Value, name: &str) -> String {
    let types = event["ticket_types"].as_array().expect("ticket types");
    let found = types.iter().find(|t| t["name"] == json!(name)).expect("the type");
    id_of(found)
}

async fn join_as(app: &TestApp, event: &str, user: &TestUser, ticket_type: &str) -> Resp {
    let path = format!("/api/events/{event}/join");
    app.post(&path, user, json!({"ticket_type": ticket_type})).await
}

/// The event's members count and the seats still free of each of its types.
async fn seats(app: &TestApp, event: &str) -> (Value, Vec<Value>) {
    let now = app.event_of(event, Anon).await;
    let types = now["ticket_types"].as_array().expect("ticket types");
    (
        now["members_count"].clone(),
        types.iter().map(|t| t["available"].clone()).collect(),
    )
}

async fn my_tickets(app: &TestApp, user: &TestUser) -> Vec<Value> {
    app.all_pages("/api/users/me/tickets", user).await
}

async fn check_in(app: &TestApp, event: &str, creator: &TestUser, code: &Value) -> Resp {
    let path = format!("/api/events/{event}/check-in");
    app.post(&path, creator, json!({"code": code})).await
}

both_stores!(an_event_sells_ticket_types_and_a_join_names_one);
async fn an_event_sells_ticket_types_and_a_join_names_one(app: TestApp) {
    let [alice, bob, carol, dave] = app.named_users(["alice", "bob", "carol", "dave"]).await;
    let event = app
        .event(&alice, json!({"capacity": 10, "ticket_types": types(8, 1)}))
        .await;
    let id = id_of(&event);
    let listed = event["ticket_types"].as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["price"], json!("10.00"), "a decimal string, exactly as given");
    assert_eq!(listed[1]["price"], json!("49.9"));
    assert_eq!(listed[1]["currency"], json!("EUR"));
    assert_eq!(
        (listed[1]["quantity"].clone(), listed[1]["available"].clone()),
        (json!(1), json!(1))
    );
    let vip = type_id(&event, "VIP");
    let standard = type_id(&event, "Standard");

    // Bad ticket types at creation.
    let create = |body: Value| app.post("/api/events", &alice, merge(event_body("T"), body));
    create(json!({"capacity": 5, "ticket_types": types(5, 1)}))
        .await
        .invalid(&["ticket_types"]);
    let float = json!([{"name": "A", "price": 10.5, "currency": "EUR", "quantity": 1}]);
    create(json!({"ticket_types": float})).await.invalid(&["ticket_types"]);
    let currency = json!([{"name": "A", "price": "1", "currency": "euro", "quantity": 1}]);
    create(json!({"ticket_types": currency}))
        .await
        .invalid(&["ticket_types"]);
    create(json!({"ticket_types": [{"name": "A"}]}))
        .await
        .invalid(&["ticket_types"]);
    create(json!({"ticket_types": "VIP"})).await.invalid(&["ticket_types"]);
    let twins = json!([{"name": "A", "price": "1", "currency": "EUR", "quantity": 1},
        {"name": "a", "price": "2", "currency": "EUR", "quantity": 1}]);
    create(json!({"ticket_types": twins})).await.invalid(&["ticket_types"]);

    // Joining names a type of this event.
    app.join(&id, &bob).await.invalid(&["ticket_type"]);
    join_as(&app, &id, &bob, "not-a-uuid").await.invalid(&["ticket_type"]);
    join_as(&app, &id, &bob, &Uuid::new_v4().to_string())
        .await
        .invalid(&["ticket_type"]);
    let plain = app.event_id(&alice, json!({})).await;
    join_as(&app, &plain, &bob, &vip).await.invalid(&["ticket_type"]);
    // 404 before 400: a missing event with a bad body.
    let nowhere = format!("/api/events/{}/join", Uuid::new_v4());
    app.post(&nowhere, &bob, json!({"ticket_type": 7})).await.problem(404);

    let joined = join_as(&app, &id, &bob, &vip).await.expect(201);
    assert_eq!(joined["status"], json!("member"));
    join_as(&app, &id, &bob, &standard).await.problem(409);
    let sold_out = join_as(&app, &id, &carol, &vip).await.problem(409);
    assert_eq!(sold_out["detail"], json!("this ticket type is sold out"));
    join_as(&app, &id, &carol, &standard).await.expect(201);

    assert_eq!(seats(&app, &id).await, (json!(2), vec![json!(7), json!(0)]));

    let bobs = my_tickets(&app, &bob).await;
    assert_eq!(bobs.len(), 1);
    assert_eq!(bobs[0]["ticket_type"]["name"], json!("VIP"));
    assert_eq!(bobs[0]["ticket_type"]["price"], json!("49.9"));
    assert_eq!(bobs[0]["event"]["id"], json!(id));
    assert!(my_tickets(&app, &dave).await.is_empty());

    // Capacity may not shrink below the types' seats.
    let path = format!("/api/events/{id}");
    app.patch(&path, &alice, json!({"capacity": 8})).await.problem(409);
    app.patch(&path, &alice, json!({"capacity": 9})).await.expect(200);
    app.assert_verified().await;
}

both_stores!(a_hundred_concurrent_joins_split_across_two_types_oversell_neither);
async fn a_hundred_concurrent_joins_split_across_two_types_oversell_neither(app: TestApp) {
    let creator = app.user("creator").await;
    let event = app
        .event(&creator, json!({"capacity": 40, "ticket_types": types(25, 10)}))
        .await;
    let id = id_of(&event);
    let (standard, vip) = (type_id(&event, "Standard"), type_id(&event, "VIP"));
    let users = app.users("fan", 100).await;
    let barrier = Arc::new(Barrier::new(users.len() + 1));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, user) in users.iter().enumerate() {
        let ticket_type = if i % 2 == 0 { standard.clone() } else { vip.clone() };
        let (api, barrier, user, id) = (app.api.clone(), barrier.clone(), user.clone(), id.clone());
        tasks.spawn(async move {
            barrier.wait().await;
            let path = format!("/api/events/{id}/join");
            let answer = api.post(&path, &user, json!({"ticket_type": ticket_type})).await;
            (i, answer.status)
        });
    }
    barrier.wait().await;
    let answers = tasks.join_all().await;
    let seated = |parity: usize| answers.iter().filter(|(i, s)| i % 2 == parity && *s == 201).count();
    let refused = answers.iter().filter(|(_, s)| *s == 409).count();
    assert_eq!((seated(0), seated(1), refused), (25, 10, 65), "{answers:?}");

    assert_eq!(seats(&app, &id).await, (json!(35), vec![json!(0), json!(0)]));
    // Every seated user holds exactly one ticket of the type they asked for.
    for (i, user) in users.iter().enumerate() {
        let tickets = my_tickets(&app, user).await;
        let asked = if i % 2 == 0 { "Standard" } else { "VIP" };
        match answers.iter().find(|(j, _)| *j == i).map(|(_, s)| *s) {
            Some(201) => {
                assert_eq!(tickets.len(), 1);
                assert_eq!(tickets[0]["ticket_type"]["name"], json!(asked));
            }
            _ => assert!(tickets.is_empty()),
        }
    }
    app.assert_verified().await;
}

both_stores!(the_creator_checks_a_ticket_in_once);
async fn the_creator_checks_a_ticket_in_once(app: TestApp) {
    let [alice, bob, carol] = app.named_users(["alice", "bob", "carol"]).await;
    let id = app
        .event_id(&alice, json!({"capacity": 1, "waitlist_enabled": true}))
        .await;
    let other = app.event_id(&alice, json!({"title": "Other"})).await;
    app.join(&id, &bob).await.expect(201);
    app.join(&other, &carol).await.expect(201);
    app.join(&id, &carol).await.expect(201); // waitlisted

    let bobs = my_tickets(&app, &bob).await;
    assert_eq!(bobs.len(), 1);
    let code = bobs[0]["code"].clone();
    let parsed = Uuid::parse_str(code.as_str().unwrap()).expect("a UUID");
    assert_eq!(parsed.get_version_num(), 4, "a random code");
    assert_eq!(bobs[0]["ticket_type"], Value::Null);
    assert_eq!(bobs[0]["status"], json!("valid"));
    // A waitlisted user has no ticket for that event (carol only holds the other's).
    let carols = my_tickets(&app, &carol).await;
    let events: Vec<&Value> = carols.iter().map(|t| &t["event"]["id"]).collect();
    assert_eq!(events, [&json!(other)]);
    let carols_code = carols[0]["code"].clone();

    let ticket_path = |event: &str, code: &Value| format!("/api/events/{event}/tickets/{}", code.as_str().unwrap());
    let seen = app.get(&ticket_path(&id, &code), &alice).await.expect(200);
    assert_eq!(seen["holder"], json!({"id": bob.id, "username": "bob"}));
    app.get(&ticket_path(&id, &code), &bob).await.problem(403);
    app.get(&ticket_path(&id, &carols_code), &alice).await.problem(404);
    app.get(&format!("/api/events/{id}/tickets/nope"), &alice)
        .await
        .problem(404);

    // Check-in: creator only, a code of this event, once.
    let path = format!("/api/events/{id}/check-in");
    check_in(&app, &id, &bob, &code).await.problem(403);
    app.post(&path, &alice, json!({})).await.invalid(&["code"]);
    app.post(&path, &alice, json!({"code": "123"})).await.invalid(&["code"]);
    let missing = format!("/api/events/{}/check-in", Uuid::new_v4());
    app.post(&missing, &alice, json!({})).await.problem(404);
    check_in(&app, &id, &alice, &carols_code).await.problem(404);
    check_in(&app, &id, &alice, &json!(Uuid::new_v4())).await.problem(404);

    let done = check_in(&app, &id, &alice, &code).await.expect(200);
    assert_eq!(done["status"], json!("checked_in"));
    let when = done["checked_in_at"].as_str().unwrap().to_owned();
    let again = check_in(&app, &id, &alice, &code).await.problem(409);
    let detail = again["detail"].as_str().unwrap();
    assert!(detail.contains(&when), "names when: {detail} / {when}");
    assert_eq!(my_tickets(&app, &bob).await[0]["status"], json!("checked_in"));

    let log = app
        .get(&format!("/api/logs/{id}?type=ticket_checked_in"), &alice)
        .await
        .expect(200);
    assert_eq!(log["count"], json!(1));
    assert_eq!(results(&log)[0]["metadata"]["user"]["username"], json!("bob"));

    // Leaving voids the ticket; the promoted user gets one of their own.
    app.leave(&id, &bob).await.expect(204);
    assert!(my_tickets(&app, &bob).await.is_empty());
    assert_eq!(
        app.get(&ticket_path(&id, &code), &alice).await.expect(200)["status"],
        json!("void")
    );
    let void = check_in(&app, &id, &alice, &code).await.problem(409);
    assert!(void["detail"].as_str().unwrap().contains("void"));
    let promoted = my_tickets(&app, &carol).await;
    assert_eq!(promoted.len(), 2);
    let new_code = promoted.iter().find(|t| t["event"]["id"] == json!(id)).unwrap()["code"].clone();
    assert_ne!(new_code, code);
    check_in(&app, &id, &alice, &new_code).await.expect(200);

    // Deleting the event voids what is left.
    app.delete(&format!("/api/events/{other}"), &alice).await.expect(204);
    assert_eq!(my_tickets(&app, &carol).await.len(), 1);
    app.assert_verified().await;
}

both_stores!(events_without_ticket_types_show_and_join_as_before);
async fn events_without_ticket_types_show_and_join_as_before(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let event = app.event(&alice, json!({})).await;
    assert!(event.get("ticket_types").is_none(), "{event}");
    let id = id_of(&event);
    // No body, an empty object, or an empty body with any content type: all as before.
    let plain = app
        .api
        .request(reqwest::Method::POST, &format!("/api/events/{id}/join"), &bob);
    let answer = app.send(plain.header("content-type", "text/plain")).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    app.leave(&id, &bob).await.expect(204);
    let join = format!("/api/events/{id}/join");
    app.post(&join, &bob, json!({})).await.expect(201);
    app.leave(&id, &bob).await.expect(204);
    app.post(&join, &bob, Value::Null).await.expect(201);
    // Anything else that is not an object is still a bad body.
    app.leave(&id, &bob).await.expect(204);
    app.post(&join, &bob, json!([])).await.problem(400);
}

both_stores!(accepting_an_invitation_to_an_event_with_types_names_one);
async fn accepting_an_invitation_to_an_event_with_types_names_one(app: TestApp) {
    let [alice, bob] = app.named_users(["alice", "bob"]).await;
    let event = app
        .event(&alice, json!({"capacity": 10, "ticket_types": types(8, 2)}))
        .await;
    let id = id_of(&event);
    let invitation = app
        .post(
            &format!("/api/events/{id}/invitations"),
            &alice,
            json!({"username": "bob"}),
        )
        .await
        .expect(201);
    let answer = format!("/api/invitations/{}", id_of(&invitation));
    app.put(&answer, &bob, json!({"status": "accepted"}))
        .await
        .invalid(&["ticket_type"]);
    app.put(&answer, &bob, json!({"status": "accepted", "ticket_type": "x"}))
        .await
        .invalid(&["ticket_type"]);
    let vip = type_id(&event, "VIP");
    let accepted = app
        .put(&answer, &bob, json!({"status": "accepted", "ticket_type": vip}))
        .await
        .expect(200);
    assert_eq!(accepted["status"], json!("accepted"));
    let tickets = my_tickets(&app, &bob).await;
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0]["ticket_type"]["name"], json!("VIP"));
    app.assert_verified().await;
}
