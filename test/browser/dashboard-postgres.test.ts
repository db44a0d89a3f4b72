import { dashboardScenarios } from './support/dashboard-scenarios.js';

dashboardScenarios('postgres', { screenshots: false });
