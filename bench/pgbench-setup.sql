-- The pgbench baseline's table: shaped like the service's event store (migrations/postgres/0001),
-- with the same primary key, global-order index and defaults, but no triggers.
DROP TABLE IF EXISTS bench_insert;
CREATE TABLE bench_insert
(
    aggregate_type text                         NOT NULL,
    aggregate_id   text                         NOT NULL,
    sequence       bigint CHECK (sequence >= 0) NOT NULL,
    event_type     text                         NOT NULL,
    event_version  text                         NOT NULL,
    payload        json                         NOT NULL,
    metadata       json                         NOT NULL,
    position       bigserial                    NOT NULL,
    tx             xid8                         NOT NULL DEFAULT pg_current_xact_id(),
    recorded_at    timestamptz                  NOT NULL DEFAULT now(),
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
);
CREATE INDEX bench_insert_global_order ON bench_insert (tx, position);
