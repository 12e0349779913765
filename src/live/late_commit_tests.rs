//! The feed follows the store through the projector's reader, so an append that took an
//! earlier position but commits after a later one is delivered first, not skipped.

use std::sync::Arc;
use std::time::Duration;

use aggregates::{Actor, EventFact};
use projections::{Position, Projector};
use sqlx::{Connection, PgConnection};
use tokio::time::timeout;
use uuid::Uuid;

use crate::live::Feed;
use crate::store::Store;
use crate::testing::{append_created, TestDatabase};

fn title(item: &crate::live::FeedItem) -> String {
    match &item.recorded.fact {
        EventFact::EventCreated { details, .. } => details.title.as_str().to_owned(),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
#[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL")]
async fn a_follower_waits_for_an_append_that_commits_late_and_delivers_it_first() {
    let db = TestDatabase::postgres().await;
    let store = Store::connect(&db.url).await.expect("the store opens");
    store.migrate().await.expect("migrations");
    let projector = Projector::new(store.event_log(), store.read.clone());
    let feed = Feed::start(Arc::new(store.event_log()), &store.read, projector.handle())
        .await
        .expect("the feed starts");
    let ali = Actor::new(Uuid::new_v4(), "ali");
    let mut stream = feed.follow(ali.id, Position::default());

    let mut held = PgConnection::connect(&db.url).await.expect("a connection");
    let mut tx = held.begin().await.expect("a transaction");
    append_created(&mut tx, &ali, "held").await;
    let mut other = PgConnection::connect(&db.url).await.expect("a connection");
    append_created(&mut other, &ali, "later").await;
    let early = timeout(Duration::from_millis(500), stream.recv()).await;
    assert!(
        early.is_err(),
        "nothing past the open transaction may be sent, or it would be skipped"
    );

    tx.commit().await.expect("the late commit");
    let mut titles = Vec::new();
    let mut positions = Vec::new();
    for _ in 0..2 {
        let item = timeout(Duration::from_secs(5), stream.recv())
            .await
            .expect("delivered in time")
            .expect("the stream stays open");
        titles.push(title(&item));
        positions.push(item.recorded.position);
    }
    assert_eq!(titles, ["held", "later"]);
    assert!(positions[0] < positions[1]);
    assert!(
        timeout(Duration::from_millis(300), stream.recv()).await.is_err(),
        "each once"
    );
}
