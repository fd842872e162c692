import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { authApi } from '../api/auth';
import type { TokenPair, User } from '../api/types';

const STORAGE_KEY = 'zer08.session';

interface StoredSession {
  accessToken: string;
  refreshToken: string;
  user: User | null;
}

function readStored(): StoredSession | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as StoredSession) : null;
  } catch {
    return null;
  }
}

/** The session: tokens survive a reload (localStorage), the user comes from the token answer or /auth/me. */
export const useAuthStore = defineStore('auth', () => {
  const stored = readStored();
  const accessToken = ref<string | null>(stored?.accessToken ?? null);
  const refreshToken = ref<string | null>(stored?.refreshToken ?? null);
  const user = ref<User | null>(stored?.user ?? null);

  const isAuthenticated = computed(() => accessToken.value !== null);
  const isAdmin = computed(() => user.value?.role === 'admin');

  function persist(): void {
    if (accessToken.value && refreshToken.value) {
      localStorage.setItem(
        STORAGE_KEY,
        JSON.stringify({ accessToken: accessToken.value, refreshToken: refreshToken.value, user: user.value }),
      );
    } else {
      localStorage.removeItem(STORAGE_KEY);
    }
  }

  function accept(pair: TokenPair): void {
    accessToken.value = pair.accessToken;
    refreshToken.value = pair.refreshToken;
    if (pair.user) user.value = pair.user;
    persist();
  }

  function clear(): void {
    accessToken.value = null;
    refreshToken.value = null;
    user.value = null;
    persist();
  }

  async function login(email: string, password: string): Promise<void> {
    accept(await authApi.login(email, password));
    if (!user.value) await loadUser();
  }

  async function loadUser(): Promise<void> {
    user.value = await authApi.me();
    persist();
  }

  /** Renews the token pair once; false when the refresh token is missing, expired or revoked. */
  async function refresh(): Promise<boolean> {
    const token = refreshToken.value;
    if (!token) return false;
    try {
      accept(await authApi.refresh(token));
      return true;
    } catch {
      return false;
    }
  }

  async function logout(): Promise<void> {
    const token = refreshToken.value;
    try {
      if (token) await authApi.logout(token);
    } catch {
      // The session ends locally whatever the server says; an expired token is already logged out.
    }
    clear();
  }

  return { accessToken, refreshToken, user, isAuthenticated, isAdmin, login, loadUser, refresh, logout, clear };
});
