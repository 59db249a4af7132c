import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import type { OrganizationEntity } from '../organizations/organization.entity';
import { OrganizationReference } from '../organizations/organization-reference';
import { UserEntity } from '../users/user.entity';
import { GroupEntity } from './group.entity';

/**
 * One user's membership of one group. The primary key (group_id, user_id) makes re-adding a member a
 * no-op (an insert that does nothing on conflict) and serves "members of a group, by user id";
 * the user_id index serves "groups of a user". Deleting a group deletes its memberships; users are
 * never deleted (a deactivated or SCIM-deleted user keeps its memberships, so reactivation
 * restores them).
 */
@Entity({ name: 'group_members' })
@Index('group_members_user_idx', ['userId'])
@Index('group_members_group_created_idx', ['groupId', 'createdAt', 'userId'])
export class GroupMemberEntity {
  @PrimaryColumn({ name: 'group_id', type: 'uuid', primaryKeyConstraintName: 'group_members_pkey' })
  groupId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'group_members_pkey' })
  userId!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @OrganizationReference('group_members')
  organization?: Relation<OrganizationEntity>;

  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'group_members_group_id_fkey' })
  group?: Relation<GroupEntity>;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'group_members_user_id_fkey' })
  user?: Relation<UserEntity>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
