import { createRouter, createWebHistory, type RouteLocationNormalized } from 'vue-router';
import { useAuthStore } from '../stores/auth';

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean;
    adminOnly?: boolean;
    title?: string;
  }
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    {
      path: '/login',
      name: 'login',
      component: () => import('../views/LoginView.vue'),
      meta: { public: true, title: 'Log in' },
    },
    {
      path: '/',
      name: 'dashboard',
      component: () => import('../views/DashboardView.vue'),
      meta: { title: 'Dashboard' },
    },
    { path: '/jobs', name: 'jobs', component: () => import('../views/JobsListView.vue'), meta: { title: 'Jobs' } },
    {
      path: '/jobs/new',
      name: 'job-new',
      component: () => import('../views/JobEditorView.vue'),
      meta: { title: 'New job' },
    },
    {
      path: '/jobs/:id',
      name: 'job',
      component: () => import('../views/JobDetailView.vue'),
      props: true,
      meta: { title: 'Job' },
    },
    {
      path: '/jobs/:id/edit',
      name: 'job-edit',
      component: () => import('../views/JobEditorView.vue'),
      props: true,
      meta: { title: 'Edit job' },
    },
    {
      path: '/users',
      name: 'users',
      component: () => import('../views/UsersView.vue'),
      meta: { adminOnly: true, title: 'Users' },
    },
    {
      path: '/profile',
      name: 'profile',
      component: () => import('../views/ProfileView.vue'),
      meta: { title: 'Profile' },
    },
    {
      path: '/status',
      name: 'status',
      component: () => import('../views/StatusView.vue'),
      meta: { public: true, title: 'Service status' },
    },
    {
      path: '/:pathMatch(.*)*',
      name: 'not-found',
      component: () => import('../views/NotFoundView.vue'),
      meta: { title: 'Not found' },
    },
  ],
});

export function loginRedirect(to: Pick<RouteLocationNormalized, 'fullPath'>) {
  return { name: 'login', query: to.fullPath && to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
}

router.beforeEach((to) => {
  const auth = useAuthStore();
  if (to.meta.public) return to.name === 'login' && auth.isAuthenticated ? { name: 'dashboard' } : true;
  if (!auth.isAuthenticated) return loginRedirect(to);
  if (to.meta.adminOnly && !auth.isAdmin) return { name: 'dashboard' };
  return true;
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · ZER08` : 'ZER08';
});
