-- One pgbench transaction: a single-row INSERT of one domain event, committed on its own.
INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
VALUES ('Event', gen_random_uuid()::text, 1, 'MemberJoined', '1.0',
        '{"MemberJoined": {"user_id": "6f1c2a52-3c1e-4b8e-9a51-0d2f7c9b1e44", "username": "bench"}}',
        '{"via": "api"}');
