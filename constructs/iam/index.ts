export * from './github-oidc';
export * from './policy-document';
export * from './role-names';
