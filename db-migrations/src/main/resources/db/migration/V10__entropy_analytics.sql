-- Entropy analytics (docs/algorithms.md section 15). Per-token rows do not scale, so per (run, step, phase)
-- we keep aggregates, the top forking-token strings and a bounded sample of whole sequences.
-- run_id refers to runs(id) loosely: no foreign key yet (runs is created in V1, written in parallel).
-- Written by dev.forkpoint.analytics.store.EntropyStatsWriter; idempotent per (run_id, step, phase).

-- One row per (run, step, phase). Scalars as columns and buckets as arrays, so that Grafana SQL is plain:
-- fixed levels/fractions are fixed columns; bucketed values are arrays indexed (1-based) by the lookup tables.
CREATE TABLE entropy_step_stats (
    run_id              BIGINT           NOT NULL,
    step                BIGINT           NOT NULL CHECK (step >= 0),
    phase               TEXT             NOT NULL CHECK (phase IN ('ROLLOUT', 'UPDATE')),
    recorded_at         TIMESTAMPTZ      NOT NULL DEFAULT now(),
    token_count         BIGINT           NOT NULL,  -- finite-entropy tokens summarised
    non_finite_count    BIGINT           NOT NULL,  -- NaN/inf entropies, excluded from every statistic
    sequence_count      INTEGER          NOT NULL,
    -- every statistic below is NULL when token_count = 0 (an empty step is not a step of zero entropy)
    mean_entropy        DOUBLE PRECISION,
    std_entropy         DOUBLE PRECISION,           -- population std
    p10                 DOUBLE PRECISION,           -- percentiles: linear interpolation (numpy default)
    p50                 DOUBLE PRECISION,
    p80                 DOUBLE PRECISION,
    p90                 DOUBLE PRECISION,
    p95                 DOUBLE PRECISION,
    p99                 DOUBLE PRECISION,
    forking_threshold   DOUBLE PRECISION,           -- = p80
    forking_token_count BIGINT           NOT NULL,  -- tokens with H >= forking_threshold
    share_above_0_1     DOUBLE PRECISION,           -- share of tokens with H > 0.1 nats
    share_above_0_5     DOUBLE PRECISION,
    share_above_1_0     DOUBLE PRECISION,
    share_above_2_0     DOUBLE PRECISION,
    window_size         INTEGER          NOT NULL,
    window_threshold    DOUBLE PRECISION,           -- p80 of trailing-window mean entropy
    window_share        DOUBLE PRECISION,           -- share of tokens with window entropy > window_threshold
    correct_mean        DOUBLE PRECISION,
    correct_tokens      BIGINT           NOT NULL,
    correct_sequences   INTEGER          NOT NULL,
    incorrect_mean      DOUBLE PRECISION,
    incorrect_tokens    BIGINT           NOT NULL,
    incorrect_sequences INTEGER          NOT NULL,
    difficulty_mean     DOUBLE PRECISION[] NOT NULL, -- per entropy_difficulty_buckets.idx, NULL element = no tokens
    difficulty_tokens   BIGINT[]         NOT NULL,
    difficulty_prompts  INTEGER[]        NOT NULL,
    position_mean       DOUBLE PRECISION[] NOT NULL, -- per entropy_position_buckets.idx
    position_tokens     BIGINT[]         NOT NULL,
    position_sequences  INTEGER[]        NOT NULL,
    hist_underflow      BIGINT           NOT NULL,  -- H < 1e-4
    hist_counts         BIGINT[]         NOT NULL,  -- per entropy_histogram_bins.idx
    hist_overflow       BIGINT           NOT NULL,  -- H >= 100
    -- covariance statistics (algorithms.md 8/9); all NULL when the step carried no cov values
    cov_count           BIGINT,
    cov_non_finite      BIGINT,
    cov_mean            DOUBLE PRECISION,
    cov_top_0_02pct     DOUBLE PRECISION,           -- mean cov of the top max(1, floor(0.0002 N)) tokens
    cov_top_0_2pct      DOUBLE PRECISION,
    cov_top_2pct        DOUBLE PRECISION,
    cov_top_20pct       DOUBLE PRECISION,
    PRIMARY KEY (run_id, step, phase),
    CHECK (cardinality(hist_counts) = 24),
    CHECK (cardinality(difficulty_mean) = 6 AND cardinality(difficulty_tokens) = 6
           AND cardinality(difficulty_prompts) = 6),
    CHECK (cardinality(position_mean) = 5 AND cardinality(position_tokens) = 5
           AND cardinality(position_sequences) = 5)
);

-- Most frequent token strings among the step's forking tokens (H >= p80), top K per step.
CREATE TABLE entropy_forking_tokens (
    run_id BIGINT NOT NULL,
    step   BIGINT NOT NULL,
    phase  TEXT   NOT NULL CHECK (phase IN ('ROLLOUT', 'UPDATE')),
    token  TEXT   NOT NULL,
    count  BIGINT NOT NULL CHECK (count > 0),
    PRIMARY KEY (run_id, step, phase, token)
);

-- Reservoir sample of whole sequences with per-token entropies, for inspection. Retention: the writer keeps the
-- samples of the last N distinct steps per run and deletes older ones.
-- tokens = {"tokens": [string...], "token_ids": [int...], "entropies": [number|null...]} (null = NaN/inf input)
CREATE TABLE entropy_sampled_sequences (
    run_id         BIGINT  NOT NULL,
    step           BIGINT  NOT NULL,
    phase          TEXT    NOT NULL CHECK (phase IN ('ROLLOUT', 'UPDATE')),
    sample_index   INTEGER NOT NULL,  -- slot in the reservoir
    sequence_index INTEGER NOT NULL,  -- index of the sequence within the step batch
    prompt_id      TEXT    NOT NULL,
    correct        BOOLEAN NOT NULL,
    token_count    INTEGER NOT NULL,
    tokens         JSONB   NOT NULL,
    PRIMARY KEY (run_id, step, phase, sample_index)
);
CREATE INDEX entropy_sampled_sequences_run_step ON entropy_sampled_sequences (run_id, step);

-- Lookup tables that name the array positions above (1-based, as Postgres arrays), for Grafana joins.
CREATE TABLE entropy_histogram_bins (
    idx   INTEGER PRIMARY KEY,        -- hist_counts[idx]
    lower DOUBLE PRECISION NOT NULL,  -- nats, inclusive
    upper DOUBLE PRECISION NOT NULL,  -- nats, exclusive
    label TEXT NOT NULL               -- e.g. '[1.00e-04, 1.78e-04)'
);
-- Edges 10^(-4 + k/4), k = 0..24: the same formula as EntropyHistogram.edge(k).
INSERT INTO entropy_histogram_bins (idx, lower, upper, label)
SELECT k + 1, power(10::double precision, -4 + k / 4.0), power(10::double precision, -4 + (k + 1) / 4.0),
       '[' || trim(to_char(power(10::double precision, -4 + k / 4.0), '9.99EEEE')) || ', '
           || trim(to_char(power(10::double precision, -4 + (k + 1) / 4.0), '9.99EEEE')) || ')'
FROM generate_series(0, 23) AS k;

CREATE TABLE entropy_difficulty_buckets (
    idx   INTEGER PRIMARY KEY,  -- difficulty_*[idx]
    label TEXT NOT NULL         -- per-prompt pass rate within the step
);
INSERT INTO entropy_difficulty_buckets (idx, label) VALUES
    (1, '0'), (2, '(0,0.25]'), (3, '(0.25,0.5]'), (4, '(0.5,0.75]'), (5, '(0.75,1)'), (6, '1');

CREATE TABLE entropy_position_buckets (
    idx   INTEGER PRIMARY KEY,  -- position_*[idx]
    label TEXT NOT NULL,
    first_position INTEGER NOT NULL
);
INSERT INTO entropy_position_buckets (idx, label, first_position) VALUES
    (1, '0-7', 0), (2, '8-15', 8), (3, '16-31', 16), (4, '32-63', 32), (5, '64+', 64);
