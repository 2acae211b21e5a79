namespace Doctor.Workflows.EventStore.Migrations;

/// <summary>Streams, events, command idempotency, feed checkpoints and the append function.</summary>
internal static class Migration0001Initial
{
    public static EventStoreMigration Migration { get; } = new(1, "initial", Sql);

    private static string Sql => $$"""
        CREATE TABLE doctor.streams (
            id         text        PRIMARY KEY,
            type       text        NOT NULL,
            version    bigint      NOT NULL CHECK (version > 0),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        );

        -- CACHE 1 (the default, spelled out): a per-session cache would hand out positions out of commit order.
        -- No foreign key to streams: append_events writes both under one lock, and the FK check would cost a
        -- row lock per event.
        CREATE TABLE doctor.events (
            seq         bigint      GENERATED ALWAYS AS IDENTITY (CACHE 1) PRIMARY KEY,
            id          uuid        NOT NULL UNIQUE,
            stream_id   text        NOT NULL,
            version     bigint      NOT NULL,
            type        text        NOT NULL,
            data        jsonb       NOT NULL,
            metadata    jsonb       NOT NULL,
            command_id  text        NULL,
            recorded_at timestamptz NOT NULL DEFAULT now(),
            tx          xid8        NOT NULL DEFAULT pg_current_xact_id(),
            UNIQUE (stream_id, version)
        );

        -- A command id names one decision; it may write to several streams in one AppendMany, hence the pair key.
        CREATE TABLE doctor.commands (
            command_id     text        NOT NULL,
            stream_id      text        NOT NULL,
            stream_version bigint      NOT NULL,
            first_seq      bigint      NOT NULL,
            last_seq       bigint      NOT NULL,
            recorded_at    timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (command_id, stream_id)
        );

        CREATE TABLE doctor.checkpoints (
            name       text        PRIMARY KEY,
            position   bigint      NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        );

        -- Appends stream parts in the caller's transaction (one statement = one round trip). Parts belong to units
        -- (p_units): a unit is one caller's all-or-nothing append; several callers' units can share one call and so
        -- one commit. Part i owns events [offset_i + 1, offset_i + p_counts[i]] of the p_event_* arrays; a stream
        -- appears in one part at most. p_expected: -1 any, 0 no stream, n exactly n. One row per part, in order:
        --   'written';
        --   'duplicate': its command id was recorded for this stream before: the first result, nothing written;
        --   'conflict': wrong expected version (actual_version says what it is): nothing of its unit is written;
        --   'skipped': another part of its unit conflicted: nothing of its unit is written.
        CREATE FUNCTION doctor.append_events(
            p_units        int[],
            p_stream_ids   text[],
            p_stream_types text[],
            p_expected     bigint[],
            p_metadata     text[],
            p_command_ids  text[],
            p_counts       int[],
            p_event_ids    uuid[],
            p_event_types  text[],
            p_event_data   text[])
        RETURNS TABLE (part_stream_id text, outcome text, stream_version bigint, first_seq bigint, last_seq bigint, actual_version bigint)
        LANGUAGE plpgsql AS $fn$
        DECLARE
            n            int := cardinality(p_stream_ids);
            i            int;
            lo           int;
            hi           int;
            offs         int := 0;
            cur          bigint;
            meta         jsonb;
            failed_units int[]   := '{}';
            outcomes     text[]   := '{}';
            actuals      bigint[] := '{}';
            dup_version  bigint[] := '{}';
            dup_first    bigint[] := '{}';
            dup_last     bigint[] := '{}';
            f_seq        bigint;
            l_seq        bigint;
            notify_seq   bigint;
            cmd          record;
        BEGIN
            -- One writer at a time: positions are drawn and committed in the same order, so a reader that sees
            -- seq N has seen every committed seq below N (DESIGN.md §4). Released at commit, after visibility.
            PERFORM pg_advisory_xact_lock({{AdvisoryLockKeys.Append}});

            FOR i IN 1..n LOOP
                IF p_command_ids[i] IS NOT NULL THEN
                    SELECT c.stream_version, c.first_seq, c.last_seq INTO cmd
                      FROM doctor.commands c
                     WHERE c.command_id = p_command_ids[i] AND c.stream_id = p_stream_ids[i];
                    IF FOUND THEN
                        outcomes[i] := 'duplicate';
                        dup_version[i] := cmd.stream_version;
                        dup_first[i] := cmd.first_seq;
                        dup_last[i] := cmd.last_seq;
                        CONTINUE;
                    END IF;
                END IF;

                SELECT s.version INTO cur FROM doctor.streams s WHERE s.id = p_stream_ids[i];
                IF NOT FOUND THEN
                    cur := NULL;
                END IF;
                actuals[i] := cur;
                IF p_expected[i] <> -1 AND coalesce(cur, 0) <> p_expected[i] THEN
                    outcomes[i] := 'conflict';
                    failed_units := failed_units || p_units[i];
                ELSE
                    outcomes[i] := 'written';
                END IF;
            END LOOP;

            FOR i IN 1..n LOOP
                lo := offs + 1;
                hi := offs + p_counts[i];
                offs := hi;
                part_stream_id := p_stream_ids[i];
                stream_version := NULL;
                first_seq := NULL;
                last_seq := NULL;
                actual_version := NULL;

                IF p_units[i] = ANY (failed_units) THEN
                    outcome := CASE WHEN outcomes[i] = 'conflict' THEN 'conflict' ELSE 'skipped' END;
                    actual_version := actuals[i];
                    RETURN NEXT;
                    CONTINUE;
                END IF;

                outcome := outcomes[i];
                IF outcomes[i] = 'duplicate' THEN
                    stream_version := dup_version[i];
                    first_seq := dup_first[i];
                    last_seq := dup_last[i];
                    RETURN NEXT;
                    CONTINUE;
                END IF;

                cur := coalesce(actuals[i], 0);
                meta := p_metadata[i]::jsonb;

                INSERT INTO doctor.streams AS s (id, type, version)
                VALUES (p_stream_ids[i], p_stream_types[i], cur + p_counts[i])
                ON CONFLICT (id) DO UPDATE SET version = excluded.version, updated_at = now();

                WITH ins AS (
                    INSERT INTO doctor.events (id, stream_id, version, type, data, metadata, command_id)
                    SELECT e.id, p_stream_ids[i], cur + e.ord, e.type, e.data::jsonb, meta, p_command_ids[i]
                      FROM unnest(p_event_ids[lo:hi], p_event_types[lo:hi], p_event_data[lo:hi])
                           WITH ORDINALITY AS e(id, type, data, ord)
                     ORDER BY e.ord
                    RETURNING seq)
                SELECT min(ins.seq), max(ins.seq) INTO f_seq, l_seq FROM ins;

                IF p_command_ids[i] IS NOT NULL THEN
                    INSERT INTO doctor.commands (command_id, stream_id, stream_version, first_seq, last_seq)
                    VALUES (p_command_ids[i], p_stream_ids[i], cur + p_counts[i], f_seq, l_seq);
                END IF;

                notify_seq := l_seq;
                stream_version := cur + p_counts[i];
                first_seq := f_seq;
                last_seq := l_seq;
                RETURN NEXT;
            END LOOP;

            -- Delivered at commit: tailers wake as soon as the events are visible.
            IF notify_seq IS NOT NULL THEN
                PERFORM pg_notify('doctor_events', notify_seq::text);
            END IF;
        END
        $fn$;
        """;
}
