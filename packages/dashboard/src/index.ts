// @sage/dashboard — the public door (STYLE G9): the built browser assets, for @sage/server to serve.
export {
  DASHBOARD_ASSETS_DIR,
  type DashboardAsset,
  DashboardNotBuiltError,
  readDashboardAssets,
} from './dashboard-assets.js';
