import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { registerAuthHooks } from './http/client';
import { loginRedirect, router } from './router';
import { useAuthStore } from './stores/auth';

const app = createApp(App).use(createPinia());
const auth = useAuthStore();

registerAuthHooks({
  accessToken: () => auth.accessToken,
  refresh: () => auth.refresh(),
  sessionLost: () => {
    auth.clear();
    const current = router.currentRoute.value;
    if (!current.meta.public) void router.push(loginRedirect(current));
  },
});

app.use(router).mount('#app');
