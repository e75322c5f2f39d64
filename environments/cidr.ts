// The CIDR arithmetic lives in the library (`constructs/core/cidr.ts`), which must not import from
// `environments/`; this path stays for the schema and for existing importers.
export * from '../constructs/core/cidr';
