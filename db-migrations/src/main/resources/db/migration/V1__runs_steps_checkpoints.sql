-- Runs, their per-step metrics and their checkpoints (trainer-service).
-- V1..V9 belong to trainer-service; V10+ to entropy-analytics.

CREATE TABLE runs (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             TEXT        NOT NULL,
    status           TEXT        NOT NULL DEFAULT 'QUEUED'
                     CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    -- The validated RunConfig as submitted (defaults filled in), so a resume trains the same thing.
    config           JSONB       NOT NULL,
    -- Higher first; ties by queued_at then id (FIFO).
    priority         INT         NOT NULL DEFAULT 0,
    total_steps      INT         NOT NULL CHECK (total_steps > 0),
    current_step     INT         NOT NULL DEFAULT 0,
    device           TEXT,
    error_reason     TEXT,
    -- Cancel of a RUNNING run takes effect at the next step boundary: the executor polls this flag.
    cancel_requested BOOLEAN     NOT NULL DEFAULT false,
    -- How many times a scheduler opened a training session for it (first start, resumes, recoveries).
    attempts         INT         NOT NULL DEFAULT 0,
    -- Client-chosen key (Idempotency-Key header): a retried POST returns the run it already created.
    idempotency_key  TEXT UNIQUE,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    queued_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at       TIMESTAMPTZ,
    finished_at      TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX runs_queue_idx ON runs (priority DESC, queued_at, id) WHERE status = 'QUEUED';
CREATE INDEX runs_status_idx ON runs (status, id);

-- One row per completed training step; written with an upsert on (run_id, step) so a step redone
-- after a resume replaces its earlier row instead of duplicating it.
CREATE TABLE run_steps (
    run_id         BIGINT           NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step           INT              NOT NULL CHECK (step > 0),
    reward         DOUBLE PRECISION,
    accuracy       DOUBLE PRECISION,
    entropy        DOUBLE PRECISION,
    kl             DOUBLE PRECISION,
    clipfrac       DOUBLE PRECISION,
    tokens_per_s   DOUBLE PRECISION,
    tokens_sampled BIGINT,
    eval_accuracy  DOUBLE PRECISION,
    rollout_ms     DOUBLE PRECISION,
    update_ms      DOUBLE PRECISION,
    -- Every metric the engine reported for the step, headline ones included.
    metrics        JSONB            NOT NULL DEFAULT '{}'::jsonb,
    recorded_at    TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, step)
);

CREATE TABLE checkpoints (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id        BIGINT           NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step          INT              NOT NULL CHECK (step >= 0),
    path          TEXT             NOT NULL,
    sha256        CHAR(64)         NOT NULL,
    size_bytes    BIGINT,
    eval_accuracy DOUBLE PRECISION,
    -- The retained checkpoint with the highest eval_accuracy (kept beyond the last K).
    is_best       BOOLEAN          NOT NULL DEFAULT false,
    created_at    TIMESTAMPTZ      NOT NULL DEFAULT now(),
    UNIQUE (run_id, step)
);
