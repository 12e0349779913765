//! Group commit seen from outside: joins to one event share commits, and a commit that
//! fails fails only the commands in it, each answered 503, nothing of them saved, and the
//! event's next commands decided on what was really stored.

use std::collections::HashSet;

use serde_json::json;

use crate::helpers::*;

/// Makes the store refuse any fact that names a user called `poisoned…`.
async fn poison(app: &TestApp) {
    match app.backend {
        Backend::Sqlite => {
            app.execute_sql(
                "CREATE TRIGGER poison BEFORE INSERT ON events WHEN NEW.payload LIKE '%poisoned%'
                 BEGIN SELECT RAISE(ABORT, 'poisoned'); END",
            )
            .await
        }
        Backend::Postgres => {
            app.execute_sql(
                "CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN
                     IF NEW.payload::text LIKE '%poisoned%' THEN RAISE EXCEPTION 'poisoned'; END IF;
                     RETURN NEW;
                 END $$",
            )
            .await;
            app.execute_sql("CREATE TRIGGER poison BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION poison()")
                .await
        }
    }
}

async fn cure(app: &TestApp) {
    match app.backend {
        Backend::Sqlite => app.execute_sql("DROP TRIGGER poison").await,
        Backend::Postgres => app.execute_sql("DROP TRIGGER poison ON events").await,
    }
}

both_stores!(a_commit_that_fails_fails_only_its_own_commands);
async fn a_commit_that_fails_fails_only_its_own_commands(app: TestApp) {
    let alice = app.user("alice").await;
    let users = app.users("joiner", 40).await;
    let poisoned = app.user("poisoned").await;
    let id = app
        .event_id(&alice, json!({"capacity": 30, "waitlist_enabled": true}))
        .await;
    poison(&app).await;

    let mut joins = tokio::task::JoinSet::new();
    for user in users.iter().chain([&poisoned]) {
        let (api, id, user) = (app.api.clone(), id.clone(), user.clone());
        joins.spawn(async move {
            let answer = api.join(&id, &user).await;
            (user, answer)
        });
    }
    let mut answered = HashSet::new();
    let mut failed = Vec::new();
    for (user, answer) in joins.join_all().await {
        match answer.status {
            201 => {
                answered.insert(user.id.clone());
            }
            503 => {
                assert_eq!(answer.header("content-type"), Some("application/problem+json"));
                failed.push(user);
            }
            status => panic!("{}: {status} {}", user.username, answer.body),
        }
    }
    assert!(
        failed.iter().any(|user| user.id == poisoned.id),
        "the poisoned join's commit failed"
    );
    eprintln!(
        "[{:?}] {} joins failed with the poisoned one's group",
        app.backend,
        failed.len()
    );

    // Exactly the answered joins are stored: a failed group left nothing behind.
    let members = app.all_pages(&format!("/api/events/{id}/members"), &alice).await;
    let waitlist = app.all_pages(&format!("/api/events/{id}/waitlist"), &alice).await;
    let present: HashSet<String> = user_ids(&members).into_iter().chain(user_ids(&waitlist)).collect();
    assert_eq!(present, answered, "stored exactly the answered joins");
    assert_eq!(members.len(), answered.len().min(30));
    app.assert_verified().await;

    // The event's next commands are decided on what was stored.
    cure(&app).await;
    for user in &failed {
        app.join(&id, user).await.expect(201);
    }
    let capacity = app.capacity(&id).await;
    assert_eq!(capacity["members_count"], json!(30));
    assert_eq!(capacity["waitlist_count"], json!(41 - 30));
    app.assert_verified().await;
}
