// Joins conditional class names (like the clsx package, in one line of our own).
export function cx(...parts: (string | false | null | undefined)[]): string {
  return parts.filter(Boolean).join(" ");
}
