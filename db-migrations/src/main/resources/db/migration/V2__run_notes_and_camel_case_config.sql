-- Run notes, and one key style in stored configs (trainer-service).
--
-- notes: what a run said about itself while it trained, for users to read next to error_reason (e.g. "no reward
-- variance in 20 steps: the policy solves nothing; add a warm start"), oldest first.
ALTER TABLE runs ADD COLUMN notes JSONB NOT NULL DEFAULT '[]'::jsonb;

-- Config keys are camelCase everywhere now; the objective's were snake_case (clip_high, clip_cov.ratio,
-- hapo.adaptive_clip, steer.wmin, ...). Rewrite the stored configs so that a run created before this version
-- resumes and recovers with the same meaning. Only keys change, never values ('clip_cov' as a loss name stays).
CREATE FUNCTION forkpoint_camel_keys(doc jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    result jsonb := '{}'::jsonb;
    k text;
    v jsonb;
    nk text;
    p int;
BEGIN
    IF doc IS NULL OR jsonb_typeof(doc) <> 'object' THEN
        RETURN doc;
    END IF;
    FOR k, v IN SELECT key, value FROM jsonb_each(doc) LOOP
        nk := CASE k WHEN 'wmin' THEN 'wMin' WHEN 'wmax' THEN 'wMax' ELSE k END;
        p := position('_' IN nk);
        WHILE p > 0 LOOP
            nk := substr(nk, 1, p - 1) || upper(substr(nk, p + 1, 1)) || substr(nk, p + 2);
            p := position('_' IN nk);
        END LOOP;
        result := result || jsonb_build_object(nk, forkpoint_camel_keys(v));
    END LOOP;
    RETURN result;
END;
$$;

UPDATE runs SET config = jsonb_set(config, '{objective}', forkpoint_camel_keys(config -> 'objective'))
WHERE jsonb_typeof(config -> 'objective') = 'object';

DROP FUNCTION forkpoint_camel_keys(jsonb);
