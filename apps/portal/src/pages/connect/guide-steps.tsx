import type { ComponentChildren } from 'preact';
import { CopyValue } from './copy-value';
import type { AuthMethod, GuideField, GuideStep, ValueRef } from './idp-guides';

/** A Rollcall value for a field: the text to copy, or what to say where it cannot be shown. */
export type Resolve = (ref: ValueRef) => { value: string; secret?: boolean } | { missing: string };

/** The steps of a guide, each field with its value (copyable) or what to enter. */
export function GuideSteps({
  steps,
  resolve,
  authMethod,
}: {
  steps: GuideStep[];
  resolve: Resolve;
  authMethod?: AuthMethod | null;
}) {
  return (
    <ol class="steps">
      {steps.map((step) => (
        <li key={step.title}>
          <p class="step-title">{step.title}</p>
          {step.fields ? (
            <dl class="fields">
              {step.fields
                .filter((field) => !field.onlyFor || !authMethod || field.onlyFor === authMethod)
                .map((field) => (
                  <Field
                    key={`${field.label}-${field.onlyFor ?? ''}`}
                    field={field}
                    resolve={resolve}
                  />
                ))}
            </dl>
          ) : null}
          {step.notes?.map((note) => (
            <p key={note} class="step-note">
              {note}
            </p>
          ))}
        </li>
      ))}
    </ol>
  );
}

function Field({ field, resolve }: { field: GuideField; resolve: Resolve }): ComponentChildren {
  let shown: ComponentChildren;
  if (typeof field.value === 'string') {
    const resolved = resolve(field.value);
    shown =
      'value' in resolved ? (
        <CopyValue label={field.label} value={resolved.value} secret={resolved.secret} />
      ) : (
        <span class="missing">{resolved.missing}</span>
      );
  } else {
    shown = <span class="enter">{field.value.text}</span>;
  }
  return (
    <div class="field-row">
      <dt>{field.label}</dt>
      <dd>{shown}</dd>
    </div>
  );
}
