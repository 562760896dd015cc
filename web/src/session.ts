// Who is signed in, for the screens that show or hide controls by role. The server enforces the
// roles on every request; the UI only spares a viewer the buttons that would answer 403.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Role, User } from './api';

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2 };

export const UserContext = createContext<User | null>(null);

/** True when `user` holds `role` or a higher one. */
export function hasRole(user: User | null | undefined, role: Role): boolean {
  return !!user && (RANK[user.role] ?? -1) >= RANK[role];
}

/** The signed-in user's permissions: members change projects, scanners, scans and triage;
 *  admins also the integrations and the users. */
export function usePermissions() {
  const user = useContext(UserContext);
  return { user, canChange: hasRole(user, 'member'), isAdmin: hasRole(user, 'admin') };
}
