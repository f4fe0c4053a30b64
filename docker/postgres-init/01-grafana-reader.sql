-- Read-only role for Grafana's Postgres datasource. Runs once, when the compose volume is created.
-- Default privileges make every table that Flyway later creates (as the forkpoint owner) readable by it.
CREATE ROLE grafana_reader LOGIN PASSWORD 'grafana_reader';
GRANT CONNECT ON DATABASE forkpoint TO grafana_reader;
GRANT USAGE ON SCHEMA public TO grafana_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE forkpoint IN SCHEMA public GRANT SELECT ON TABLES TO grafana_reader;
