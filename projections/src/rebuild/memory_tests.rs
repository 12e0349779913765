use super::*;
use crate::write::{add, eq, is_in, lookup, ne, to, values};

const T: Table = Table::new("t", "id", "id");
const U: Table = Table::new("u", "event_id, user_id", "event_id");

fn memory() -> Memory {
    Memory::new([T, U])
}

fn rows(memory: &mut Memory, table: &str) -> Vec<Row> {
    let mut tables = [(T, Vec::new()), (U, Vec::new())];
    memory.drain_into(&mut tables);
    let (_, mut found) = tables
        .into_iter()
        .find(|(t, _)| t.name == table)
        .expect("a table of the test");
    found.sort_by(|a, b| {
        a.get("id")
            .cmp(b.get("id"))
            .then(a.get("user_id").cmp(b.get("user_id")))
    });
    found
}

fn text(value: &str) -> Cell {
    Cell::Text(value.to_owned())
}

#[test]
fn an_update_changes_the_rows_its_filter_finds_and_adds_to_numbers() {
    let mut memory = memory();
    memory
        .apply(Write::insert("t", &["id", "n", "s"], values!["a", 1, "x"]))
        .unwrap();
    memory
        .apply(Write::insert("t", &["id", "n", "s"], values!["b", 5, "void"]))
        .unwrap();
    memory
        .apply(Write::update("t", [add("n", 2), to("s", "y")], [ne("s", "void")]))
        .unwrap();
    let found = rows(&mut memory, "t");
    assert_eq!(
        found[0],
        Row(vec![("id", text("a")), ("n", Cell::Int(3)), ("s", text("y"))])
    );
    assert_eq!(found[1].get("n"), &Cell::Int(5));
}

#[test]
fn a_null_passes_no_test_and_a_column_never_written_is_null() {
    let mut memory = memory();
    memory
        .apply(Write::insert("t", &["id", "s"], values!["a", Arg::OptText(None)]))
        .unwrap();
    memory
        .apply(Write::update("t", [to("n", 1)], [ne("s", "void")]))
        .unwrap();
    memory
        .apply(Write::update("t", [to("n", 2)], [eq("s", Arg::OptText(None))]))
        .unwrap();
    let found = rows(&mut memory, "t");
    assert_eq!(found[0].get("n"), &Cell::Null);
    assert_eq!(found[0].get("never"), &Cell::Null);
}

#[test]
fn a_taken_key_is_an_error_unless_the_insert_ignores_it() {
    let mut memory = memory();
    const COLUMNS: &[&str] = &["event_id", "user_id", "role"];
    let insert = || Write::insert("u", COLUMNS, values!["e", "u", "member"]);
    memory.apply(insert()).unwrap();
    memory
        .apply(Write::insert_or_ignore("u", COLUMNS, values!["e", "u", "waitlist"]))
        .unwrap();
    assert_eq!(
        memory.apply(insert()),
        Err(MemoryError::Duplicate {
            table: "u",
            key: vec![text("e"), text("u")]
        })
    );
    let kept = rows(&mut memory, "u");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].get("role"), &text("member"), "the ignored row changed nothing");
}

#[test]
fn a_lookup_reads_another_row_and_reads_null_where_there_is_none() {
    let mut memory = memory();
    memory
        .apply(Write::insert("t", &["id", "owner"], values!["e", "ann"]))
        .unwrap();
    for (id, event) in [("x", "e"), ("y", "nope")] {
        let owner = lookup("t", "owner", [eq("id", event)]);
        memory
            .apply(Write::insert(
                "u",
                &["event_id", "user_id", "owner"],
                [event.into(), id.into(), owner],
            ))
            .unwrap();
    }
    let found = rows(&mut memory, "u");
    assert_eq!(found[0].get("owner"), &text("ann"));
    assert_eq!(found[1].get("owner"), &Cell::Null);
}

#[test]
fn an_insert_for_each_selected_row_writes_one_row_each() {
    let mut memory = memory();
    for (user, role) in [
        ("ann", "member"),
        ("bob", "waitlist"),
        ("cat", "creator"),
        ("dan", "member"),
    ] {
        memory
            .apply(Write::insert(
                "u",
                &["event_id", "user_id", "role"],
                values!["e", user, role],
            ))
            .unwrap();
    }
    let each = Select {
        table: "u",
        column: "user_id",
        filter: Filter(vec![
            eq("event_id", "e"),
            is_in("role", [Arg::from("member"), Arg::from("waitlist")]),
            ne("user_id", "dan"),
        ]),
    };
    memory
        .apply(Write::insert_each("t", &["kind", "id"], values!["told"], each))
        .unwrap();
    let told: Vec<_> = rows(&mut memory, "t").iter().map(|row| row.get("id").clone()).collect();
    assert_eq!(told, [text("ann"), text("bob")]);
}

#[test]
fn a_delete_by_part_of_the_key_removes_every_row_it_names() {
    let mut memory = memory();
    for (event, user) in [("e", "ann"), ("e", "bob"), ("f", "ann")] {
        memory
            .apply(Write::insert("u", &["event_id", "user_id"], values![event, user]))
            .unwrap();
    }
    memory.apply(Write::delete("u", [eq("event_id", "e")])).unwrap();
    let left: Vec<_> = rows(&mut memory, "u")
        .iter()
        .map(|row| row.get("event_id").clone())
        .collect();
    assert_eq!(left, [text("f")]);
}

#[test]
fn raw_sql_and_unknown_tables_are_refused() {
    let mut memory = memory();
    assert_eq!(
        memory.apply(Write::sql("DELETE FROM x", [])),
        Err(MemoryError::Raw("DELETE FROM x"))
    );
    assert_eq!(
        memory.apply(Write::delete("x", [])),
        Err(MemoryError::UnknownTable("x"))
    );
}
