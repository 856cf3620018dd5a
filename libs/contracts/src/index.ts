export * from './cm-v2';
export * from './policy';
export * from './tokens';
export * from './domain-error';
export * from './text';
export * from './write-behind';
