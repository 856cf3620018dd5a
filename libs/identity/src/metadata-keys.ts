export const ROLES_KEY = 'cm:identity:roles';
export const PUBLIC_KEY = 'cm:identity:public';
export const PENDING_PASSWORD_KEY = 'cm:identity:pending-password';
