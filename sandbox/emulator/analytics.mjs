// A stand-in for Workers Analytics Engine's SQL API
// (https://developers.cloudflare.com/analytics/analytics-engine/sql-api/): `POST
// /client/v4/accounts/{account}/analytics_engine/sql` with `Authorization: Bearer <token>` and
// the query as the body, answered in the `FORMAT JSON` shape (`meta`, `data`, `rows`; 64-bit
// integers as strings, as ClickHouse's JSON format writes them). `wrangler dev` drops the
// Worker's data points (its local dataset does nothing), so the tests seed the points here.
//
// It answers the two queries the gateway sends (`core::analytics`): the daily series
// (`GROUP BY day`) and the per-channel breakdown (`GROUP BY channel`), over the period the
// query's `INTERVAL 'N' DAY` names, weighting every sum by `_sample_interval`.
import { send } from './common.mjs';

export const SANDBOX_ANALYTICS_TOKEN = 'sandbox-analytics-read-token-0001';

/**
 * A data point as the gateway writes it: `{at, index1, blobs: [...], doubles: [...],
 * sample_interval}` (columns in docs/dashboard.md).
 */
export function analyticsApi(ctx) {
  const sums = (points) => {
    const sum = (f) => points.reduce((t, p) => t + (p.sample_interval ?? 1) * f(p), 0);
    return {
      messages: String(sum(() => 1)),
      failed: sum((p) => p.doubles[3] ?? 0),
      end_to_end_ms_sum: sum((p) => p.doubles[0] ?? 0),
      ack_ms_sum: sum((p) => p.doubles[1] ?? 0),
      acked: sum((p) => p.doubles[2] ?? 0),
    };
  };
  const META = [
    { name: 'messages', type: 'UInt64' },
    { name: 'failed', type: 'Float64' },
    { name: 'end_to_end_ms_sum', type: 'Float64' },
    { name: 'ack_ms_sum', type: 'Float64' },
    { name: 'acked', type: 'Float64' },
  ];
  const dayOf = (ms) => `${new Date(ms).toISOString().slice(0, 10)} 00:00:00`;

  return {
    handle(req, res, url, raw) {
      if (req.method !== 'POST') return send(res, 405, { errors: [{ message: 'use POST' }] });
      if ((req.headers.authorization || '') !== `Bearer ${SANDBOX_ANALYTICS_TOKEN}`) {
        return send(res, 401, { errors: [{ code: 10000, message: 'Authentication error' }] });
      }
      const sql = raw.toString('utf8');
      const days = Number(/NOW\(\) - INTERVAL '(\d+)' DAY/.exec(sql)?.[1]);
      const table = /FROM (\w+)/.exec(sql)?.[1];
      if (!days || !table || !/FORMAT JSON\s*$/.test(sql)) {
        return send(res, 422, { errors: [{ message: 'the sandbox answers only the gateway\'s queries' }] });
      }
      const since = Date.now() - days * 86_400_000;
      const points = (ctx.s.analyticsPoints.get(table) ?? []).filter((p) => p.at > since);
      const groups = new Map();
      let meta;
      if (/GROUP BY day/.test(sql)) {
        meta = [{ name: 'day', type: 'DateTime' }, ...META];
        for (const p of points) groups.set(dayOf(p.at), [...(groups.get(dayOf(p.at)) ?? []), p]);
      } else if (/GROUP BY channel/.test(sql)) {
        meta = [{ name: 'channel', type: 'String' }, ...META];
        for (const p of points) groups.set(p.index1, [...(groups.get(p.index1) ?? []), p]);
      } else {
        return send(res, 422, { errors: [{ message: 'unknown grouping' }] });
      }
      const key = meta[0].name;
      const data = [...groups].map(([k, ps]) => ({ [key]: k, ...sums(ps) }));
      if (key === 'day') data.sort((a, b) => (a.day < b.day ? -1 : 1));
      else data.sort((a, b) => Number(b.messages) - Number(a.messages));
      return send(res, 200, { meta, data, rows: data.length, rows_before_limit_at_least: data.length });
    },
  };
}
