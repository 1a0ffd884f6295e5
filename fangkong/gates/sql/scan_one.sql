-- gates_scan_one: one gate scan in one round trip (issue 23). Created by migration gates/0010 on
-- PostgreSQL; the Python twin is gates.services.scan_batch_record (+ verdicts.decide), and
-- gates/tests/test_hot_path.py runs both over the same table of codes.
--
-- The caller (gates.services.scan_one) holds, per process, what the token resolved to (user, grants
-- version, the paths where the user may scan) and the gate rules of the place for the minute (policy
-- stamp, threshold, statuses, risk areas, community path). This function re-checks in the same
-- statement that nothing of it changed (token and user row, policy stamp, place path); if anything did,
-- or the scan needs a follow-up (fever, returnee without notice), it writes nothing and answers a
-- status the caller takes to the full Python path: 'auth', 'stale' or 'fallback'.
CREATE OR REPLACE FUNCTION gates_scan_one(
    p_token text, p_user bigint, p_superuser boolean, p_grants integer, p_min_created timestamptz,
    p_paths text[],
    p_place bigint, p_place_path text, p_community text, p_stamp bigint,
    p_threshold numeric, p_deny text[], p_refer text[], p_risk text[],
    p_client uuid, p_timed boolean, p_at timestamptz, p_now timestamptz, p_request text,
    p_entry text, p_kind text, p_key text, p_pass bigint, p_number text, p_masked text,
    p_temperature numeric, p_direction text, p_travel text, p_post bigint, p_write boolean,
    OUT o_status text, OUT o_id bigint, OUT o_verdict text, OUT o_reasons jsonb, OUT o_person bigint,
    OUT o_area bigint, OUT o_masked text, OUT o_name text, OUT o_place_name text,
    OUT o_scanned_at timestamptz, OUT o_received_at timestamptz, OUT o_temperature numeric,
    OUT o_direction text, OUT o_travel text, OUT o_post bigint, OUT o_volunteer bigint, OUT o_entry text
) LANGUAGE plpgsql AS $fn$
DECLARE
    t_user bigint; t_created timestamptz; u_active boolean; u_super boolean; u_grants integer;
    pl_area bigint; pl_path text; pl_name text;
    pe_id bigint; pe_area bigint; pe_path text; pe_name text; pe_status text; pe_return text;
    pe_masked text; pe_hash text;
    cleared boolean := true; deny text[] := '{}'; refer text[] := '{}'; codes text[]; result text;
    outsider boolean := false; own text[]; post bigint; sid bigint; at_stored timestamptz; masked text;
BEGIN
    -- Who: the token and its user as the caller last saw them (nothing cached is trusted).
    SELECT t.user_id, t.created, u.is_active, u.is_superuser, u.grants_version
      INTO t_user, t_created, u_active, u_super, u_grants
      FROM authtoken_token t JOIN accounts_user u ON u.id = t.user_id WHERE t.key = p_token;
    IF t_user IS NULL OR t_user <> p_user OR NOT u_active OR u_super <> p_superuser
       OR u_grants <> p_grants OR (p_min_created IS NOT NULL AND t_created < p_min_created) THEN
        o_status := 'auth';
        RETURN;
    END IF;
    -- The rules the caller holds are current: the same policy stamp, the place where it was.
    IF coalesce((SELECT max(id) FROM policies_policy), 0) <> p_stamp THEN
        o_status := 'stale';
        RETURN;
    END IF;
    SELECT p.area_id, p.area_path, p.name INTO pl_area, pl_path, pl_name FROM areas_place p WHERE p.id = p_place;
    IF pl_path IS NULL OR pl_path <> p_place_path THEN
        o_status := 'stale';
        RETURN;
    END IF;
    -- The boundary: the gate lies where the user may scan (else the Python path answers, as before).
    IF NOT p_superuser AND NOT EXISTS (SELECT 1 FROM unnest(p_paths) a WHERE starts_with(pl_path, a)) THEN
        o_status := 'fallback';
        RETURN;
    END IF;
    -- Without the device's time the unique key (client_id, scanned_at) cannot catch a retry: look first.
    IF NOT p_timed THEN
        SELECT e.id, e.scanned_at INTO sid, at_stored FROM gates_scanevent e WHERE e.client_id = p_client LIMIT 1;
    END IF;
    IF sid IS NULL THEN
        -- Who was scanned (selectors.gate_facts): an ID, a phone held by exactly one resident, a pass.
        IF p_kind = 'id' AND p_key <> '' THEN
            SELECT p.id, p.area_id, p.area_path, p.name, p.status, p.return_status, p.id_masked, p.id_hash
              INTO pe_id, pe_area, pe_path, pe_name, pe_status, pe_return, pe_masked, pe_hash
              FROM people_person p WHERE p.id_hash = p_key;
        ELSIF p_kind = 'phone' AND p_key <> '' THEN
            SELECT p.id, p.area_id, p.area_path, p.name, p.status, p.return_status, p.id_masked, p.id_hash
              INTO pe_id, pe_area, pe_path, pe_name, pe_status, pe_return, pe_masked, pe_hash
              FROM people_person p WHERE p.phone_hash = p_key
               AND NOT EXISTS (SELECT 1 FROM people_person q WHERE q.phone_hash = p_key AND q.id <> p.id);
        ELSIF p_kind = 'pass' AND (p_pass IS NOT NULL OR p_number IS NOT NULL) THEN
            SELECT p.id, p.area_id, p.area_path, p.name, p.status, p.return_status, p.id_masked, p.id_hash
              INTO pe_id, pe_area, pe_path, pe_name, pe_status, pe_return, pe_masked, pe_hash
              FROM gates_pass g JOIN people_person p ON p.id = g.person_id
             WHERE (g.id = p_pass OR g.number = p_number) LIMIT 1;
        END IF;
        -- The verdict (verdicts.decide).
        IF pe_id IS NULL THEN
            deny := deny || 'unknown_person'::text;
        ELSE
            IF pe_status = ANY(p_deny) THEN
                deny := deny || ('status_' || pe_status);
            ELSIF pe_status = ANY(p_refer) THEN
                refer := refer || ('status_' || pe_status);
            END IF;
            IF pe_return = 'not_returned' OR pe_status = 'returnee_pending' THEN
                cleared := EXISTS (
                    SELECT 1 FROM gates_returneenotice n
                     WHERE (n.person_id = pe_id OR n.id_hash = pe_hash)
                       AND n.stage IN ('notified', 'inspection', 'decided', 'completed'));
            END IF;
            IF NOT cleared THEN
                deny := deny || 'returnee_no_notice'::text;
            END IF;
            IF NOT EXISTS (
                SELECT 1 FROM gates_pass g WHERE g.person_id = pe_id AND g.valid_to > p_at
                   AND g.valid_from <= p_at AND g.revoked_at IS NULL AND starts_with(g.area_path, p_community)
            ) THEN
                IF EXISTS (
                    SELECT 1 FROM gates_pass g WHERE g.person_id = pe_id AND g.valid_to > p_at
                       AND g.valid_from <= p_at AND g.revoked_at IS NOT NULL
                       AND starts_with(g.area_path, p_community)
                ) THEN
                    deny := deny || 'pass_revoked'::text;
                ELSE
                    deny := deny || 'no_pass'::text;
                END IF;
            END IF;
        END IF;
        IF p_temperature IS NOT NULL AND p_temperature >= p_threshold THEN
            refer := refer || 'fever'::text;
        END IF;
        IF p_travel <> '' AND EXISTS (SELECT 1 FROM unnest(p_risk) r WHERE r <> '' AND strpos(p_travel, r) > 0) THEN
            refer := refer || 'risk_area'::text;
        END IF;
        IF cardinality(deny) > 0 THEN
            result := 'deny';
            codes := deny || refer;
        ELSIF cardinality(refer) > 0 THEN
            result := 'refer';
            codes := refer;
        ELSE
            result := 'allow';
            codes := '{}';
        END IF;
        -- A person of another community: decided on all data, answered and stored as the gate may know
        -- it (GateVerdict.for_outsider); who it was goes to gates_scanvisitor.
        outsider := pe_id IS NOT NULL AND NOT starts_with(pe_path, p_community);
        o_verdict := result;
        o_reasons := to_jsonb(codes);
        -- Follow-ups (fever referral, returnee refused without notice) are the Python path's.
        IF 'fever' = ANY(codes) OR (pe_id IS NOT NULL AND 'returnee_no_notice' = ANY(codes)) OR NOT p_write THEN
            IF outsider THEN
                own := ARRAY(SELECT c FROM unnest(codes) c WHERE c IN ('fever', 'risk_area', 'no_temperature'));
                IF cardinality(own) <> cardinality(codes) THEN
                    o_reasons := to_jsonb('{unknown_person}'::text[] || own);
                END IF;
                o_person := NULL;
            ELSE
                o_person := pe_id;
            END IF;
            o_status := CASE WHEN p_write THEN 'fallback' ELSE 'decided' END;
            IF result = 'allow' AND NOT outsider AND pe_id IS NOT NULL
               AND (p_superuser OR EXISTS (SELECT 1 FROM unnest(p_paths) a WHERE starts_with(pe_path, a))) THEN
                o_name := pe_name;
            END IF;
            RETURN;
        END IF;
        IF outsider THEN
            own := ARRAY(SELECT c FROM unnest(codes) c WHERE c IN ('fever', 'risk_area', 'no_temperature'));
            IF cardinality(own) <> cardinality(codes) THEN
                codes := '{unknown_person}'::text[] || own;
            END IF;
        END IF;
        masked := left(coalesce(nullif(p_masked, ''), CASE WHEN pe_id IS NOT NULL AND NOT outsider THEN pe_masked ELSE '' END), 40);
        IF p_post IS NOT NULL THEN
            SELECT g.id INTO post FROM gates_post g WHERE g.id = p_post AND g.place_id = p_place;
        END IF;
        INSERT INTO gates_scanevent (client_id, place_id, area_id, area_path, person_id, entry, entered_masked,
                                     temperature, direction, verdict, reasons, post_id, volunteer_id, travel_from,
                                     scanned_at, received_at, request_id)
        VALUES (p_client, p_place, pl_area, pl_path, CASE WHEN outsider THEN NULL ELSE pe_id END, p_entry, masked,
                p_temperature, p_direction, result, to_jsonb(codes), post, p_user, p_travel,
                p_at, p_now, p_request)
        ON CONFLICT DO NOTHING RETURNING id INTO sid;
        IF sid IS NOT NULL THEN
            IF outsider THEN
                INSERT INTO gates_scanvisitor (scan_id, scanned_at, place_id, person_id, area_id, area_path, source)
                VALUES (sid, p_at, p_place, pe_id, pe_area, pe_path, 'gate');
            END IF;
            o_status := 'accepted';
            o_id := sid;
            o_verdict := result;
            o_reasons := to_jsonb(codes);
            o_person := CASE WHEN outsider THEN NULL ELSE pe_id END;
            o_area := pl_area;
            o_masked := masked;
            IF result = 'allow' AND NOT outsider AND pe_id IS NOT NULL
               AND (p_superuser OR EXISTS (SELECT 1 FROM unnest(p_paths) a WHERE starts_with(pe_path, a))) THEN
                o_name := pe_name;
            END IF;
            o_place_name := pl_name;
            o_scanned_at := p_at;
            o_received_at := p_now;
            o_temperature := p_temperature;
            o_direction := p_direction;
            o_travel := p_travel;
            o_post := post;
            o_volunteer := p_user;
            o_entry := p_entry;
            RETURN;
        END IF;
        at_stored := p_at;  -- a retry with the device's time: the row the unique key met
    END IF;
    -- A retry: the stored scan and the verdict it was given (services.stored_result).
    SELECT 'duplicate', e.id, e.verdict, e.reasons, e.person_id, e.area_id, e.entered_masked, NULL, p.name,
           e.scanned_at, e.received_at, e.temperature, e.direction, e.travel_from, e.post_id, e.volunteer_id, e.entry
      INTO o_status, o_id, o_verdict, o_reasons, o_person, o_area, o_masked, o_name, o_place_name,
           o_scanned_at, o_received_at, o_temperature, o_direction, o_travel, o_post, o_volunteer, o_entry
      FROM gates_scanevent e JOIN areas_place p ON p.id = e.place_id
     WHERE e.client_id = p_client AND e.scanned_at = at_stored
     ORDER BY e.id LIMIT 1;
    IF o_status IS NULL THEN
        o_status := 'fallback';  -- stored and gone again between two statements: let Python answer
    END IF;
END
$fn$;
