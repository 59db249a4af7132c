/**
 * Splits a SCIM PATCH of a group (RFC 7644 §3.5.2) into member changes, which the domain applies
 * as set-based SQL on the named ids only, and the other operations, which the generic PATCH engine
 * applies to the group's own attributes (displayName, externalId). Reads every shape identity
 * providers send for members:
 * - `add` with path `members` (one member or many), or with no path and `{"members": [...]}`;
 * - `remove` with path `members[value eq "<id>"]` (several joined by `or` too);
 * - `remove` with path `members` and a value list (Entra without aadOptscim062020);
 * - `remove` with path `members` and no value: every member;
 * - `replace` with path `members` (or no path and `{"members": [...]}`): exactly these members;
 * - `op` in any case, `"$ref": null` in member values.
 */
import { DomainError } from '@rollcall/common';
import type { MemberChange } from '@rollcall/identity';
import {
  COMMON_ATTRIBUTES,
  type Filter,
  findSchemaScope,
  GROUP_RESOURCE,
  type NormalizedOperation,
  parsePatchPath,
  type PatchPath,
  resolveAttribute,
} from '@rollcall/scim';
import { isMembersKey, isObject, readMembers, shorten } from './group-document';

export interface GroupPatchPlan {
  /**
   * The operations for the generic engine, one per request operation (member operations become
   * no-ops, so the engine's errors still name the right operation number).
   */
  attributeOperations: NormalizedOperation[];
  /** The member changes, in request order. */
  memberChanges: MemberChange[];
}

interface Planned {
  attributes?: NormalizedOperation;
  members: MemberChange[];
}

/** An operation the engine applies without changing anything. */
const NO_OP: NormalizedOperation = { op: 'add', value: {} };

export function planGroupPatch(operations: NormalizedOperation[]): GroupPatchPlan {
  const plan: GroupPatchPlan = { attributeOperations: [], memberChanges: [] };
  operations.forEach((operation, index) => {
    let planned: Planned;
    try {
      planned = planOperation(operation);
    } catch (error) {
      throw locate(error, operation, index);
    }
    plan.attributeOperations.push(planned.attributes ?? NO_OP);
    plan.memberChanges.push(...planned.members);
  });
  return plan;
}

function planOperation(operation: NormalizedOperation): Planned {
  const { op, path, value } = operation;
  if (path === undefined || findSchemaScope(GROUP_RESOURCE, path)?.kind === 'core') {
    // No path (or the core schema URN): each key of the value object is an attribute.
    if (op === 'remove' || !isObject(value)) return { attributes: operation, members: [] };
    const entries = Object.entries(value);
    const members = entries.filter(([key]) => isMembersKey(key));
    if (members.length === 0) return { attributes: operation, members: [] };
    const rest = Object.fromEntries(entries.filter(([key]) => !isMembersKey(key)));
    return {
      attributes: { ...operation, value: rest },
      members: members.map(([key, list]) => memberWrite(op, list, `value.${key}`)),
    };
  }
  const parsed = tryParsePath(path);
  const resolved =
    parsed && resolveAttribute(GROUP_RESOURCE, parsed.attribute, [...COMMON_ATTRIBUTES]);
  if (!parsed || resolved?.attribute.name !== 'members')
    return { attributes: operation, members: [] };
  if (resolved.subAttribute || parsed.subAttribute !== undefined) {
    throw new DomainError(
      'invalid_path',
      'the sub-attributes of members cannot be changed; add or remove whole members ' +
        '(path "members", or "members[value eq \\"<user id>\\"]" to remove one)',
    );
  }
  if (op === 'remove') {
    if (parsed.valueFilter) {
      return { members: [{ op: 'remove', userIds: selectedIds(parsed.valueFilter) }] };
    }
    if (value === undefined || value === null) return { members: [{ op: 'removeAll' }] };
    return { members: [{ op: 'remove', userIds: readMembers(value, 'value', 'remove') }] };
  }
  if (parsed.valueFilter) {
    throw new DomainError(
      'invalid_path',
      `${op} takes the path "members" and a list of members; a value filter ` +
        '(members[value eq "<user id>"]) selects members to remove',
    );
  }
  return { members: [memberWrite(op, value)] };
}

function memberWrite(op: 'add' | 'replace', value: unknown, field = 'value'): MemberChange {
  const userIds = readMembers(value, field);
  if (op === 'add') return { op: 'add', userIds };
  return userIds.length === 0 ? { op: 'removeAll' } : { op: 'replace', userIds };
}

function tryParsePath(path: string): PatchPath | undefined {
  try {
    return parsePatchPath(path);
  } catch {
    return undefined; // The engine reports the bad path with its own message.
  }
}

/** The ids a `members[...]` filter selects: `value eq "<id>"` comparisons, joined by `or`. */
function selectedIds(filter: Filter): string[] {
  const ids: string[] = [];
  const stack: Filter[] = [filter];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (item.kind === 'or') {
      stack.push(item.right, item.left);
    } else if (
      item.kind === 'compare' &&
      item.operator === 'eq' &&
      item.path.uri === undefined &&
      item.path.subAttribute === undefined &&
      item.path.name.toLowerCase() === 'value' &&
      item.value !== null
    ) {
      ids.push(String(item.value));
    } else {
      throw new DomainError(
        'invalid_path',
        'members are selected by their value only: members[value eq "<user id>"] (several ' +
          'joined by "or")',
      );
    }
  }
  return ids;
}

/** Prefixes an error with the operation it came from, as the PATCH engine does. */
function locate(error: unknown, operation: NormalizedOperation, index: number): unknown {
  if (!(error instanceof DomainError)) return error;
  const path = operation.path === undefined ? '' : ` ${JSON.stringify(shorten(operation.path))}`;
  const detail = `PATCH operation ${index + 1} (${operation.op}${path}): ${error.detail}`;
  const field = `Operations[${index}]${operation.path === undefined ? '.value' : '.path'}`;
  return new DomainError(error.code, /[.!?]$/.test(detail) ? detail : `${detail}.`, [
    { field, message: error.detail },
  ]);
}

/**
 * The plan's one member change when that is all it does (one `add` or `remove` of members, no
 * attribute touched): what the one-statement path can take (ScimGroupWrites.scimChangeMembers).
 */
export function onlyMemberChange(
  plan: GroupPatchPlan,
): Extract<MemberChange, { op: 'add' | 'remove' }> | undefined {
  const [only, ...more] = plan.memberChanges;
  if (more.length > 0 || plan.attributeOperations.some((operation) => operation !== NO_OP)) {
    return undefined;
  }
  return only?.op === 'add' || only?.op === 'remove' ? only : undefined;
}
