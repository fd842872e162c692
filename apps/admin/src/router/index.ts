import { createRouter, createWebHistory } from 'vue-router';

export const router = createRouter({
  history: createWebHistory(),
  routes: [{ path: '/', name: 'status', component: () => import('../views/StatusView.vue') }],
});
