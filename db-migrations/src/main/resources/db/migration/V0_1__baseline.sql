-- Baseline: the schema's owner-visible marker. Feature tables arrive in V1 (runs) and V10+ (analytics).
CREATE TABLE IF NOT EXISTS forkpoint_schema_info (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO forkpoint_schema_info (key, value) VALUES ('created_by', 'forkpoint') ON CONFLICT DO NOTHING;
