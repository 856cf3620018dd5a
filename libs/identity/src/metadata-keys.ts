export const ROLES_KEY = 'cm:identity:roles';
export const PUBLIC_KEY = 'cm:identity:public';
