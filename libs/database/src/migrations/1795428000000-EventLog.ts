import type { MigrationInterface, QueryRunner } from 'typeorm';

/** ISO 8601 in UTC with milliseconds, exactly as JavaScript's `toISOString()` writes it. */
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * Written by hand (no entity: libs/identity's EventsRepository reads and writes it in SQL). The
 * event log: every change to users, groups, the SCIM integration and SSO connections writes its
 * events here in the transaction of the change.
 *
 * Order and the outbox pitfall: `position` is taken from a sequence when the row is written, so
 * transactions commit out of position order, and a reader that remembered "the last position I
 * saw" would skip an event committed later with a smaller position. Each event therefore also
 * records its transaction id (`tx`, an xid8 that never wraps), the log is ordered by
 * `(tx, position)`, and readers only ever see events whose transaction is older than every
 * transaction still running (`tx < pg_snapshot_xmin(pg_current_snapshot())`): all of those have
 * finished, so no event can appear later in front of what a reader has seen. A reader's cursor is
 * the last `(tx, position)` it read.
 *
 * The user and group representations of events are computed here, in SQL, from the rows as they
 * are at the end of the change (`rollcall_user_view`, `rollcall_group_view`): the one-statement
 * paths (a SCIM create, a SCIM group member change) write their events in that statement.
 */
export class EventLog1795428000000 implements MigrationInterface {
  name = 'EventLog1795428000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "events" (
         "position" bigint GENERATED ALWAYS AS IDENTITY,
         "tx" xid8 NOT NULL DEFAULT pg_current_xact_id(),
         "id" uuid NOT NULL DEFAULT gen_random_uuid(),
         "organization_id" uuid NOT NULL,
         "type" character varying(64) NOT NULL,
         "occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(),
         "actor" jsonb NOT NULL,
         "subject_type" character varying(32) NOT NULL,
         "subject_id" uuid NOT NULL,
         "details" jsonb NOT NULL DEFAULT '{}'::jsonb,
         "data" jsonb NOT NULL,
         CONSTRAINT "events_pkey" PRIMARY KEY ("tx", "position"),
         CONSTRAINT "events_organization_id_fkey" FOREIGN KEY ("organization_id")
           REFERENCES "organizations"("id") ON DELETE CASCADE
       )`,
    );
    await queryRunner.query(
      `CREATE INDEX "events_organization_order_idx" ON "events" ("organization_id", "tx", "position")`,
    );
    await queryRunner.query(
      `CREATE INDEX "events_subject_idx" ON "events" ("organization_id", "subject_id")`,
    );
    await queryRunner.query(`CREATE INDEX "events_occurred_at_idx" ON "events" ("occurred_at")`);
    // How far retention has pruned: a reader whose cursor is older may have missed events.
    await queryRunner.query(
      `CREATE TABLE "event_log_state" (
         "id" boolean NOT NULL DEFAULT true,
         "pruned_tx" xid8 NOT NULL DEFAULT '0'::xid8,
         "pruned_position" bigint NOT NULL DEFAULT 0,
         CONSTRAINT "event_log_state_pkey" PRIMARY KEY ("id"),
         CONSTRAINT "event_log_state_one_row" CHECK ("id")
       )`,
    );
    await queryRunner.query(`INSERT INTO "event_log_state" DEFAULT VALUES`);
    // Readers waiting for events (long polls, webhook and NATS workers) wake on this channel.
    await queryRunner.query(
      `CREATE FUNCTION "rollcall_events_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_notify('rollcall_events', '');
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "events_notify" AFTER INSERT ON "events"
         FOR EACH STATEMENT EXECUTE FUNCTION "rollcall_events_notify"()`,
    );
    await queryRunner.query(
      `CREATE FUNCTION "rollcall_iso"(t timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
         SELECT to_char(t AT TIME ZONE 'UTC', ${ISO})
       $$`,
    );
    // The admin API's representation of a user (GET /api/v1/users/{id}). These functions are
    // written so that PostgreSQL inlines them into the statements that call them (one SELECT, no
    // subquery, no function more volatile than they are declared): a function that is not
    // inlined is planned again at every statement that calls it, which cost a SCIM create more
    // than its INSERT.
    await queryRunner.query(
      `CREATE FUNCTION "rollcall_user_view"(u users, p license_pools) RETURNS jsonb
       LANGUAGE sql STABLE AS $$
         SELECT jsonb_build_object(
           'id', u.id,
           'userName', u.user_name,
           'displayName', u.display_name,
           'givenName', u.given_name,
           'familyName', u.family_name,
           'email', COALESCE(
             jsonb_path_query_first(u.emails, '$[*] ? (@.primary == true).value') #>> '{}',
             u.emails->0->>'value'),
           'externalId', u.external_id,
           'status', u.status,
           'statusReason', CASE WHEN u.status = 'pending' THEN
             'License pool ''' || p.name || ''' had no seat left when the user was provisioned; the user takes a seat at first sign-in if one is free.'
             END,
           'role', u.role,
           'licensePool', jsonb_build_object('id', p.id, 'name', p.name, 'isDefault', p.is_default),
           'licenseTier', u.license_tier,
           'scimManaged', u.scim_managed,
           'firstLoginAt', rollcall_iso(u.first_login_at),
           'lastLoginAt', rollcall_iso(u.last_login_at),
           'createdAt', rollcall_iso(u.created_at),
           'updatedAt', rollcall_iso(u.updated_at))
       $$`,
    );
    // The admin API's representation of a group (GET /api/v1/groups/{id}) without `readOnly`,
    // which depends on the organization's SCIM setting at the time of reading, and without
    // `memberCount`: counting a group of 100,000 on every one-member change would make the
    // change cost as much as the group (member events carry the ids that joined and left).
    await queryRunner.query(
      `CREATE FUNCTION "rollcall_group_view"(g groups) RETURNS jsonb LANGUAGE sql STABLE AS $$
         SELECT jsonb_build_object(
           'id', g.id,
           'displayName', g.display_name,
           'externalId', g.external_id,
           'scimManaged', g.scim_managed,
           'createdAt', rollcall_iso(g.created_at),
           'updatedAt', rollcall_iso(g.updated_at))
       $$`,
    );
    await queryRunner.query(
      'DROP FUNCTION "scim_group_member_change"(uuid, uuid, integer, text, uuid[])',
    );
    await queryRunner.query(memberChangeFunction);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'DROP FUNCTION "scim_group_member_change"(uuid, uuid, integer, text, uuid[], jsonb)',
    );
    await queryRunner.query(previousMemberChangeFunction);
    await queryRunner.query(`DROP FUNCTION "rollcall_group_view"(groups)`);
    await queryRunner.query(`DROP FUNCTION "rollcall_user_view"(users, license_pools)`);
    await queryRunner.query(`DROP FUNCTION "rollcall_iso"(timestamptz)`);
    await queryRunner.query(`DROP TABLE "event_log_state"`);
    await queryRunner.query(`DROP TABLE "events"`);
    await queryRunner.query(`DROP FUNCTION "rollcall_events_notify"()`);
  }
}

/**
 * The one-statement SCIM member change (ScimGroupMemberChange1795424000000), now also writing
 * `group.members_added` / `group.members_removed` with the ids that changed (in batches of 1000)
 * and the group as it is after the change, acted by `p_actor`.
 */
const memberChangeFunction = `CREATE FUNCTION "scim_group_member_change"(
    p_organization uuid, p_group uuid, p_expected_version integer, p_op text, p_users uuid[],
    p_actor jsonb
  ) RETURNS TABLE (outcome text, version integer) LANGUAGE plpgsql VOLATILE AS $$
  DECLARE
    g record;
    changed uuid[];
    visible integer;
    new_version integer;
  BEGIN
    SELECT gr.version, gr.scim_managed INTO g FROM groups gr
      WHERE gr.organization_id = p_organization AND gr.id = p_group FOR UPDATE;
    IF NOT FOUND THEN
      RETURN QUERY SELECT 'not_found'::text, NULL::integer;
      RETURN;
    END IF;
    IF p_expected_version IS NOT NULL AND g.version <> p_expected_version THEN
      RETURN QUERY SELECT 'version_mismatch'::text, g.version;
      RETURN;
    END IF;
    IF p_op = 'add' THEN
      SELECT count(*) INTO visible FROM users u
        WHERE u.organization_id = p_organization AND u.id = ANY(p_users)
          AND u.scim_visible AND u.status <> 'anonymized';
      IF visible < cardinality(p_users) THEN
        RETURN QUERY SELECT 'invalid_members'::text, g.version;
        RETURN;
      END IF;
      WITH added AS (
        INSERT INTO group_members (organization_id, group_id, user_id)
          SELECT p_organization, p_group, m.id FROM unnest(p_users) AS m(id)
          ON CONFLICT DO NOTHING RETURNING user_id)
      SELECT coalesce(array_agg(user_id), '{}') INTO changed FROM added;
    ELSIF p_op = 'remove' THEN
      WITH removed AS (
        DELETE FROM group_members gm
          WHERE gm.organization_id = p_organization AND gm.group_id = p_group
            AND gm.user_id = ANY(p_users)
            AND EXISTS (SELECT 1 FROM users u WHERE u.id = gm.user_id
                          AND u.scim_visible AND u.status <> 'anonymized')
          RETURNING gm.user_id)
      SELECT coalesce(array_agg(user_id), '{}') INTO changed FROM removed;
    ELSE
      RAISE EXCEPTION 'scim_group_member_change: unknown op %', p_op;
    END IF;
    IF cardinality(changed) = 0 AND g.scim_managed THEN
      RETURN QUERY SELECT 'unchanged'::text, g.version;
      RETURN;
    END IF;
    UPDATE groups gr
      SET version = gr.version + 1, updated_at = clock_timestamp(), scim_managed = true
      WHERE gr.organization_id = p_organization AND gr.id = p_group
      RETURNING gr.version INTO new_version;
    IF cardinality(changed) > 0 THEN
      INSERT INTO events (organization_id, type, actor, subject_type, subject_id, details, data)
        SELECT p_organization,
               CASE WHEN p_op = 'add' THEN 'group.members_added' ELSE 'group.members_removed' END,
               p_actor, 'group', p_group,
               jsonb_build_object('userIds', to_jsonb(batch.ids)),
               rollcall_group_view(gr)
        FROM groups gr,
             LATERAL (SELECT array_agg(c.id ORDER BY c.n) AS ids
                      FROM unnest(changed) WITH ORDINALITY AS c(id, n)
                      GROUP BY (c.n - 1) / 1000 ORDER BY (c.n - 1) / 1000) AS batch
        WHERE gr.organization_id = p_organization AND gr.id = p_group;
    ELSE
      -- Only taken over by SCIM (scim_managed was false): the group itself changed.
      INSERT INTO events (organization_id, type, actor, subject_type, subject_id, details, data)
        SELECT p_organization, 'group.updated', p_actor, 'group', p_group,
               jsonb_build_object('changed', jsonb_build_array('scimManaged')),
               rollcall_group_view(gr)
        FROM groups gr WHERE gr.organization_id = p_organization AND gr.id = p_group;
    END IF;
    RETURN QUERY SELECT 'changed'::text, new_version;
  END $$`;

const previousMemberChangeFunction = `CREATE FUNCTION "scim_group_member_change"(
    p_organization uuid, p_group uuid, p_expected_version integer, p_op text, p_users uuid[]
  ) RETURNS TABLE (outcome text, version integer) LANGUAGE plpgsql VOLATILE AS $$
  DECLARE
    g record;
    changed integer := 0;
    visible integer;
  BEGIN
    SELECT gr.version, gr.scim_managed INTO g FROM groups gr
      WHERE gr.organization_id = p_organization AND gr.id = p_group FOR UPDATE;
    IF NOT FOUND THEN
      RETURN QUERY SELECT 'not_found'::text, NULL::integer;
      RETURN;
    END IF;
    IF p_expected_version IS NOT NULL AND g.version <> p_expected_version THEN
      RETURN QUERY SELECT 'version_mismatch'::text, g.version;
      RETURN;
    END IF;
    IF p_op = 'add' THEN
      SELECT count(*) INTO visible FROM users u
        WHERE u.organization_id = p_organization AND u.id = ANY(p_users)
          AND u.scim_visible AND u.status <> 'anonymized';
      IF visible < cardinality(p_users) THEN
        RETURN QUERY SELECT 'invalid_members'::text, g.version;
        RETURN;
      END IF;
      INSERT INTO group_members (organization_id, group_id, user_id)
        SELECT p_organization, p_group, m.id FROM unnest(p_users) AS m(id)
        ON CONFLICT DO NOTHING;
      GET DIAGNOSTICS changed = ROW_COUNT;
    ELSIF p_op = 'remove' THEN
      DELETE FROM group_members gm
        WHERE gm.organization_id = p_organization AND gm.group_id = p_group
          AND gm.user_id = ANY(p_users)
          AND EXISTS (SELECT 1 FROM users u WHERE u.id = gm.user_id
                        AND u.scim_visible AND u.status <> 'anonymized');
      GET DIAGNOSTICS changed = ROW_COUNT;
    ELSE
      RAISE EXCEPTION 'scim_group_member_change: unknown op %', p_op;
    END IF;
    IF changed = 0 AND g.scim_managed THEN
      RETURN QUERY SELECT 'unchanged'::text, g.version;
      RETURN;
    END IF;
    RETURN QUERY UPDATE groups gr
      SET version = gr.version + 1, updated_at = clock_timestamp(), scim_managed = true
      WHERE gr.organization_id = p_organization AND gr.id = p_group
      RETURNING 'changed'::text, gr.version;
  END $$`;
