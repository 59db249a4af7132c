/** A form's failure, announced to screen readers as it appears; nothing while there is none. */
export function FormError({ error }: { error: string | null }) {
  return error ? (
    <p role="alert" class="error">
      {error}
    </p>
  ) : null;
}
