namespace Doctor.Workflows.EventStore.Migrations;

/// <summary>
/// <c>doctor.append_events</c> gains a set-based path, same signature and answers as 0001. The first version runs three
/// statements per stream in a loop, about 80 µs each: an append of 500 new incident streams spent 120 ms there.
/// <c>doctor.append_events_set</c> classifies every part (duplicate, conflict, skipped, written) and writes streams,
/// events and commands in one statement whatever the number of streams — but planning it costs about a millisecond,
/// more than the loop costs for a few streams. So 0001's function is kept, renamed <c>append_events_each</c>, and
/// <c>append_events</c> hands an append of up to 16 streams to it and a larger one to <c>append_events_set</c>.
/// </summary>
internal static class Migration0010SetBasedAppend
{
    public static EventStoreMigration Migration { get; } = new(10, "set_based_append", $$"""
        CREATE FUNCTION doctor.append_events_set(
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
        #variable_conflict use_column
        DECLARE
            r_ids      text[];
            r_outcomes text[];
            r_versions bigint[];
            r_first    bigint[];
            r_last     bigint[];
            r_actual   bigint[];
            notify_seq bigint;
        BEGIN
            -- One writer at a time: positions are drawn and committed in the same order, so a reader that sees
            -- seq N has seen every committed seq below N (DESIGN.md §4). Released at commit, after visibility.
            PERFORM pg_advisory_xact_lock({{AdvisoryLockKeys.Append}});

            WITH parts AS MATERIALIZED (
                SELECT p.ord, p.unit, p.stream_id, p.stream_type, p.expected, p.metadata::jsonb AS meta, p.command_id, p.cnt,
                       sum(p.cnt) OVER (ORDER BY p.ord) - p.cnt AS off
                  FROM unnest(p_units, p_stream_ids, p_stream_types, p_expected, p_metadata, p_command_ids, p_counts)
                       WITH ORDINALITY AS p(unit, stream_id, stream_type, expected, metadata, command_id, cnt, ord)
            ),
            checked AS MATERIALIZED (
                SELECT parts.*, s.version AS cur, c.stream_version AS dup_version, c.first_seq AS dup_first, c.last_seq AS dup_last,
                       CASE WHEN c.command_id IS NOT NULL THEN 'duplicate'
                            WHEN parts.expected <> -1 AND coalesce(s.version, 0) <> parts.expected THEN 'conflict'
                            ELSE 'written' END AS own
                  FROM parts
                  LEFT JOIN doctor.streams s ON s.id = parts.stream_id
                  LEFT JOIN doctor.commands c ON c.command_id = parts.command_id AND c.stream_id = parts.stream_id
            ),
            classified AS MATERIALIZED (
                -- A conflict anywhere in a unit writes nothing of it: its other parts are 'skipped'.
                SELECT checked.*,
                       CASE WHEN own = 'conflict' THEN 'conflict'
                            WHEN unit IN (SELECT k.unit FROM checked k WHERE k.own = 'conflict') THEN 'skipped'
                            ELSE own END AS result
                  FROM checked
            ),
            to_write AS MATERIALIZED (
                SELECT * FROM classified WHERE result = 'written'
            ),
            upserted AS (
                INSERT INTO doctor.streams AS s (id, type, version)
                SELECT w.stream_id, w.stream_type, coalesce(w.cur, 0) + w.cnt FROM to_write w
                ON CONFLICT (id) DO UPDATE SET version = excluded.version, updated_at = now()
            ),
            slots AS (
                SELECT w.stream_id, w.cur, w.meta, w.command_id, g AS k, w.off + g AS ord
                  FROM to_write w, generate_series(1, w.cnt) AS g
            ),
            inserted AS (
                INSERT INTO doctor.events (id, stream_id, version, type, data, metadata, command_id)
                SELECT e.id, sl.stream_id, coalesce(sl.cur, 0) + sl.k, e.type, e.data::jsonb, sl.meta, sl.command_id
                  FROM unnest(p_event_ids, p_event_types, p_event_data) WITH ORDINALITY AS e(id, type, data, ord)
                  JOIN slots sl ON sl.ord = e.ord
                 ORDER BY e.ord
                RETURNING seq, stream_id
            ),
            spans AS (
                SELECT i.stream_id, min(i.seq) AS f, max(i.seq) AS l FROM inserted i GROUP BY i.stream_id
            ),
            remembered AS (
                INSERT INTO doctor.commands (command_id, stream_id, stream_version, first_seq, last_seq)
                SELECT w.command_id, w.stream_id, coalesce(w.cur, 0) + w.cnt, sp.f, sp.l
                  FROM to_write w JOIN spans sp ON sp.stream_id = w.stream_id
                 WHERE w.command_id IS NOT NULL
            )
            SELECT array_agg(c.stream_id ORDER BY c.ord),
                   array_agg(c.result ORDER BY c.ord),
                   array_agg(CASE c.result WHEN 'written' THEN coalesce(c.cur, 0) + c.cnt WHEN 'duplicate' THEN c.dup_version END ORDER BY c.ord),
                   array_agg(CASE c.result WHEN 'written' THEN sp.f WHEN 'duplicate' THEN c.dup_first END ORDER BY c.ord),
                   array_agg(CASE c.result WHEN 'written' THEN sp.l WHEN 'duplicate' THEN c.dup_last END ORDER BY c.ord),
                   array_agg(CASE WHEN c.result IN ('conflict', 'skipped') THEN c.cur END ORDER BY c.ord),
                   max(sp.l) FILTER (WHERE c.result = 'written')
              INTO r_ids, r_outcomes, r_versions, r_first, r_last, r_actual, notify_seq
              FROM classified c
              LEFT JOIN spans sp ON sp.stream_id = c.stream_id AND c.result = 'written';

            -- Delivered at commit: tailers wake as soon as the events are visible.
            IF notify_seq IS NOT NULL THEN
                PERFORM pg_notify('doctor_events', notify_seq::text);
            END IF;

            RETURN QUERY SELECT * FROM unnest(r_ids, r_outcomes, r_versions, r_first, r_last, r_actual);
        END
        $fn$;

        -- The per-stream loop of 0001, kept as it is under another name.
        ALTER FUNCTION doctor.append_events(int[], text[], text[], bigint[], text[], text[], int[], uuid[], text[], text[])
            RENAME TO append_events_each;

        -- Many streams: the set-based statement (planning it costs about a millisecond); few: the loop (about 80 µs a stream).
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
        BEGIN
            IF cardinality(p_stream_ids) > 16 THEN
                RETURN QUERY SELECT * FROM doctor.append_events_set(p_units, p_stream_ids, p_stream_types, p_expected, p_metadata,
                    p_command_ids, p_counts, p_event_ids, p_event_types, p_event_data);
            ELSE
                RETURN QUERY SELECT * FROM doctor.append_events_each(p_units, p_stream_ids, p_stream_types, p_expected, p_metadata,
                    p_command_ids, p_counts, p_event_ids, p_event_types, p_event_data);
            END IF;
        END
        $fn$;
        """);
}
