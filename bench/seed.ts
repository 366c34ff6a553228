import type Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { completionOf } from '@shared/consultation/completion';
import { URGENCY_LEVELS } from '@shared/consultation/fields';
import type { Sections } from '@shared/consultation/sections';

// Varied, realistic intake content for benchmarks and large e2e lists, from a seeded generator so runs
// are comparable.

export const INDUSTRIES = [
  'Retail',
  'Healthcare',
  'Logistics',
  'Hospitality',
  'Construction',
  'Education',
  'Finance',
  'Legal',
  'Manufacturing',
  'Real estate',
  'Food & Beverage',
  'Fitness',
  'Beauty',
  'Automotive',
  'Agriculture',
  'Media',
  'Nonprofit',
  'Software',
  'Travel',
  'Energy',
];
const FIRST = ['María', 'Jonas', 'Aiko', 'Noor', 'Olu', 'Søren', 'Priya', 'Chen', 'Émile', 'Zofia', 'Kwame', 'Lucía', 'Dmitri', 'Fatima', 'Liam', 'Ana'];
const LAST = [
  'Núñez',
  'Berg',
  'Tanaka',
  'Haddad',
  'Adeyemi',
  'Kristensen',
  'Iyer',
  'Wei',
  'Laurent',
  'Nowak',
  'Mensah',
  'García',
  'Petrov',
  'Zahra',
  'Walsh',
  'Silva',
];
const NAME_A = [
  'Blue',
  'North',
  'Harbour',
  'Golden',
  'Green',
  'Summit',
  'Cedar',
  'Silver',
  'Bright',
  'Old Town',
  'River',
  'Urban',
  'Maple',
  'Coastal',
  'Iron',
  'Lumière',
];
const NAME_B = [
  'Bakery',
  'Dental',
  'Logistics',
  'Studio',
  'Fitness',
  'Motors',
  'Farms',
  'Legal',
  'Clinic',
  'Outfitters',
  'Café',
  'Builders',
  'Media',
  'Optics',
  'Travel',
  'Labs',
];
const CHALLENGES = [
  'Online orders are lost between systems',
  'Slow website on mobile',
  'No single view of customers',
  'Manual invoicing takes days',
  'Staff turnover in peak season',
  'Inventory does not match the shop floor',
  'Leads go cold before follow-up',
  'Booking calendar double-books',
  'Reporting lives in spreadsheets',
  'Warehouse scanners drop orders',
  'Payment failures at checkout',
  'Email campaigns land in spam',
];
const GOALS = [
  'One order pipeline for shop and web',
  'Double qualified leads',
  'Cut invoicing time in half',
  'Launch online booking',
  'Open a second location',
  'Reduce churn by 20%',
  'Automate weekly reporting',
  'Improve reviews to 4.5 stars',
];
const CHANNELS = ['Email', 'Instagram', 'Local press', 'Google Ads', 'Word of mouth', 'LinkedIn', 'Trade fairs', 'Newsletter'];

/** A small deterministic generator (mulberry32). */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const some = <T>(list: readonly T[], max: number) => [...new Set(Array.from({ length: 1 + Math.floor(next() * max) }, () => pick(list)))];
  return { next, pick, some };
}

export function sectionsFor(i: number, r = rng(i + 1)): Sections {
  const first = r.pick(FIRST);
  const last = r.pick(LAST);
  const business = `${r.pick(NAME_A)} ${r.pick(NAME_B)} ${i}`;
  const fill = r.next();
  return {
    contact_info: {
      business_name: business,
      contact_person: `${first} ${last}`,
      ...(fill > 0.2
        ? {
            email: `${first
              .toLowerCase()
              .normalize('NFD')
              .replace(/[^a-z]/g, '')}@example${i % 97}.com`,
          }
        : {}),
      ...(fill > 0.4 ? { phone: `+1 555 ${String(1000 + (i % 9000)).padStart(4, '0')}` } : {}),
      ...(fill > 0.5 ? { website: `https://example${i % 97}.com` } : {}),
    },
    business_context: {
      industry: r.pick(INDUSTRIES),
      ...(fill > 0.3 ? { team_size: 1 + Math.floor(r.next() * 400), marketing_channels: r.some(CHANNELS, 3) } : {}),
    },
    pain_points: {
      urgency_level: r.pick(URGENCY_LEVELS),
      primary_challenges: r.some(CHALLENGES, 3),
      ...(fill > 0.5 ? { impact_assessment: `About ${1 + Math.floor(r.next() * 30)}% of revenue is affected; ${r.pick(CHALLENGES).toLowerCase()}.` } : {}),
    },
    goals_objectives: {
      primary_goals: r.some(GOALS, 2),
      ...(fill > 0.6 ? { kpis: ['Weekly orders', 'Response time'], budget_range: '$15k–$50k' } : {}),
    },
  };
}

/** Inserts `count` consultations (with version 1 each) for `userId` in one transaction, fast; `first` numbers the names. */
export function seedConsultations(sqlite: Database.Database, userId: string, count: number, seed = 7, first = 0): string[] {
  const r = rng(seed);
  const ids: string[] = [];
  const start = Date.parse('2025-01-01T00:00:00Z');
  const insertConsultation = sqlite.prepare(`INSERT INTO consultations (id, user_id, contact_info, business_context, pain_points, goals_objectives,
    status, completion_percentage, current_version, created_at, updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`);
  const insertVersion = sqlite.prepare(`INSERT INTO consultation_versions (id, consultation_id, user_id, version_number, contact_info, business_context,
    pain_points, goals_objectives, status, completion_percentage, change_summary, changed_fields, created_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, 'Created', '[]', ?)`);
  sqlite.transaction(() => {
    for (let i = 0; i < count; i += 1) {
      const s = sectionsFor(first + i);
      const id = uuidv7();
      const created = new Date(start + Math.floor(r.next() * 600 * 86_400_000)).toISOString();
      const updated = new Date(Date.parse(created) + Math.floor(r.next() * 30 * 86_400_000)).toISOString();
      const roll = r.next();
      const status = roll < 0.6 ? 'draft' : roll < 0.9 ? 'completed' : 'archived';
      const pct = completionOf(s).percentage;
      const json = [JSON.stringify(s.contact_info), JSON.stringify(s.business_context), JSON.stringify(s.pain_points), JSON.stringify(s.goals_objectives)];
      insertConsultation.run(id, userId, ...json, status, pct, created, updated, status === 'completed' ? updated : null);
      insertVersion.run(uuidv7(), id, userId, ...json, status, pct, created);
      ids.push(id);
    }
  })();
  sqlite.pragma('optimize');
  return ids;
}
