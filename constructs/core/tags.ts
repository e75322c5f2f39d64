/** Merges construct-level tags over a `Name` tag; provider `defaultTags` add environment, owner and cost center. */
export function nameTags(name: string, tags: Record<string, string> = {}): Record<string, string> {
  return { Name: name, ...tags };
}
