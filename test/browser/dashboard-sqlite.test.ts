import { dashboardScenarios, ensureImagesDir } from './support/dashboard-scenarios.js';

// The screenshots in docs/images are taken by this run (one backend is enough for pictures).
ensureImagesDir();
dashboardScenarios('sqlite', { screenshots: true });
