/**
 * Cluster mode (issue 21): which host ran a run. The HOST column appears only when some row has a
 * host, so a single host's tables keep their columns; a row without one (queued, not yet run) shows "-".
 */
import type { TaskClusterView } from '../../control/cluster-view.js';
import type { Column } from './table.js';
import { formatInstant, LOCAL_ZONE, parseIso } from './time.js';

/** [HOST] when some row has a host, else []. */
export function hostColumns<Row>(rows: readonly Row[], hostOf: (row: Row) => string | undefined): Column<Row>[] {
  if (!rows.some((row) => hostOf(row) !== undefined)) return [];
  return [{ header: 'HOST', value: (row) => hostOf(row) ?? '-' }];
}

/** "scope host", "definition differs from the cluster's, published by host-b at 2026-... 12:03:00". */
export function describeTaskCluster(cluster: TaskClusterView): string {
  const parts = cluster.scope === 'host' ? ['scope host (runs on every host)'] : ['scope cluster'];
  const differs = cluster.definitionDiffers;
  if (differs !== null) {
    const at = formatInstant(parseIso(differs.publishedAt), LOCAL_ZONE);
    parts.push(`definition differs from the cluster's, published by ${differs.publishedBy} at ${at}: not run here`);
  }
  return parts.join('; ');
}
