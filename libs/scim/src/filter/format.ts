/** Writes filters and PATCH paths back as RFC 7644 §3.4.2.2 text (parseFilter(formatFilter(f)) equals f). */
import type { Filter, FilterValue, PatchPath } from './ast';
import { formatAttributePath } from './attribute-path';

const PRECEDENCE = { or: 1, and: 2 } as const;

export function formatFilter(filter: Filter): string {
  switch (filter.kind) {
    case 'compare':
      return `${formatAttributePath(filter.path)} ${filter.operator} ${formatValue(filter.value)}`;
    case 'present':
      return `${formatAttributePath(filter.path)} pr`;
    case 'not':
      return `not (${formatFilter(filter.filter)})`;
    case 'valuePath':
      return `${formatAttributePath(filter.path)}[${formatFilter(filter.filter)}]`;
    case 'and':
    case 'or': {
      const precedence = PRECEDENCE[filter.kind];
      // Chains are left-associative: the right operand needs parentheses at equal precedence.
      const left = formatOperand(filter.left, precedence, false);
      const right = formatOperand(filter.right, precedence, true);
      return `${left} ${filter.kind} ${right}`;
    }
  }
}

function formatOperand(filter: Filter, parent: number, right: boolean): string {
  const text = formatFilter(filter);
  if (filter.kind !== 'and' && filter.kind !== 'or') return text;
  const own = PRECEDENCE[filter.kind];
  return own < parent || (right && own === parent) ? `(${text})` : text;
}

export function formatValue(value: FilterValue): string {
  return value === null ? 'null' : JSON.stringify(value);
}

export function formatPatchPath(path: PatchPath): string {
  const attribute = formatAttributePath(path.attribute);
  if (!path.valueFilter) return attribute;
  const sub = path.subAttribute === undefined ? '' : `.${path.subAttribute}`;
  return `${attribute}[${formatFilter(path.valueFilter)}]${sub}`;
}
