import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (a function): the commonest SCIM group PATCH — one `add` or `remove` of members,
 * nothing else — in one round trip. Its statements run one after another, each seeing what the
 * ones before it did and what others committed meanwhile (a VOLATILE function in READ COMMITTED),
 * exactly as the same statements in a transaction would: lock the group, check its version and the
 * members, change the memberships, move the version once if anything changed. It changes nothing
 * when the group is missing, the version differs or a member to add is not a user SCIM can see,
 * and says which (libs/identity's GroupMembersRepository.changeInOneStatement); the application
 * then takes its general path, which says why in full.
 */
export class ScimGroupMemberChange1795424000000 implements MigrationInterface {
  name = 'ScimGroupMemberChange1795424000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE FUNCTION "scim_group_member_change"(
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
       END $$`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'DROP FUNCTION "scim_group_member_change"(uuid, uuid, integer, text, uuid[])',
    );
  }
}
