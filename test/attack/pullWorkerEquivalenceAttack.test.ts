import { afterEach, describe, expect, it } from 'vitest';
import { everyPageInWorker, fileTeamDevices, smallPages, syncedState, type Device } from '../syncDevices';
import { fullSections } from '../arbitraries';
import { signaturePng } from '../signatureImage';

// Issue 16 attacked: whatever a pull applied on the main thread does, the pull worker (every page sent there,
// however small) must do the same. Each case runs once per way of applying and asserts the same outcome.

let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.reverse().forEach((c) => c());
  cleanups = [];
});
const setup = () => fileTeamDevices((c) => cleanups.push(c));
const ways = [
  ['on the main thread', {}],
  ['in the pull worker', everyPageInWorker],
] as const;
const versionNumbers = (d: Device, id: string) =>
  (d.database.sqlite.prepare('SELECT version_number AS n FROM consultation_versions WHERE consultation_id = ? ORDER BY 1').all(id) as { n: number }[]).map(
    (r) => r.n,
  );
const conflictRows = (d: Device) =>
  d.database.sqlite
    .prepare('SELECT consultation_id, field_path, base_value, our_value, their_value, resolved_at FROM consultation_conflicts ORDER BY 1, 2')
    .all();

describe.each(ways)('a pull applied %s', (_way, applying) => {
  it('brings Arabic, Hebrew, Thai, CJK and emoji text byte for byte, and a search of each finds what it finds on the laptop that typed it', async () => {
    const { add } = setup();
    const ada = add('Ada');
    const names = [
      'مخبز الياسمين',
      'מאפיית השקד',
      'ร้านกาแฟสยาม',
      '東京ラーメン工房',
      '北京烤鸭餐厅',
      '서울 김치 공방',
      '🥐 Croissant Club 🇫🇷',
      'Café Zoë Ñandú',
    ];
    const words = ['الياسمين', 'השקד', 'ร้านกาแฟสยาม', '東京ラーメン工房', '北京烤鸭餐厅', '김치', 'Croissant', 'Zoë'];
    const ids = names.map((name, i) => {
      const id = ada.consultations.create({ sections: fullSections(name) }).consultation.id;
      ada.consultations.autosave({
        consultationId: id,
        edits: [{ path: 'pain_points.primary_challenges', value: [`${words[i]} 👩🏽‍🍳 ﷺ ‏שלום‎ ٣٤٥`, 'ok'] }],
      });
      return id;
    });
    await ada.sync();
    const bea = add('Bea', { sameUserAs: ada, sizing: smallPages(), ...applying });
    await bea.sync();
    expect(syncedState(bea)).toEqual(syncedState(ada));
    for (const [i, word] of words.entries()) {
      const found = (d: Device) => d.consultations.list({ search: word }).items.map((c) => c.id);
      expect(found(ada)).toContain(ids[i]);
      expect(found(bea)).toEqual(found(ada));
    }
    expect(bea.engine.pendingCount()).toBe(0);
  }, 120_000);

  it('a delete on one laptop racing offline edits on another: the edited one is kept, restored for the team with a notice; the untouched one goes, its private notes kept in a notice', async () => {
    const { add } = setup();
    const ada = add('Ada');
    const edited = ada.consultations.create({ sections: fullSections('Edited Elsewhere') }).consultation.id;
    const noted = ada.consultations.create({ sections: fullSections('Only Noted') }).consultation.id;
    const plain = ada.consultations.create({ sections: fullSections('Plainly Deleted') }).consultation.id;
    await ada.sync();
    const bea = add('Bea', { sameUserAs: ada, ...applying });
    await bea.sync();
    // Bea, offline: edits one and saves a version, writes private notes on another.
    bea.consultations.autosave({ consultationId: edited, edits: [{ path: 'contact_info.phone', value: '+1 555 0199' }] });
    bea.consultations.saveVersion({ consultationId: edited, expectedVersion: 1 });
    bea.consultations.autosave({ consultationId: noted, edits: [], notes: 'Budget about 40k, ask on Tuesday.' });
    for (const id of [edited, noted, plain]) ada.consultations.delete({ consultationId: id });
    await ada.sync();
    const report = await bea.sync();
    expect(report.notices.some((n) => n.includes('Edited Elsewhere') && n.includes('kept and restored'))).toBe(true);
    expect(report.notices.some((n) => n.includes('Only Noted') && n.includes('Budget about 40k'))).toBe(true);
    expect(bea.store.find(edited)?.contactInfo.phone).toBe('+1 555 0199');
    expect(bea.store.find(noted)).toBeUndefined();
    expect(bea.store.find(plain)).toBeUndefined();
    const back = await ada.sync();
    expect(back.notices.some((n) => n.includes('Edited Elsewhere') && n.includes('restored'))).toBe(true);
    await bea.sync();
    expect(versionNumbers(ada, edited)).toEqual([1, 2]);
    expect(syncedState(ada)).toEqual(syncedState(bea));
    expect(bea.engine.pendingCount()).toBe(0);
  }, 120_000);

  it('versions saved from the same base on both laptops: all kept, the pulling laptop’s renumbered after the team’s, the same history everywhere', async () => {
    const { add } = setup();
    const ada = add('Ada');
    const id = ada.consultations.create({ sections: fullSections('Twice Saved') }).consultation.id;
    await ada.sync();
    const bea = add('Bea', { sameUserAs: ada, ...applying });
    await bea.sync();
    ada.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.phone', value: '+1 555 0001' }] });
    ada.consultations.saveVersion({ consultationId: id, expectedVersion: 1 });
    ada.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.phone', value: '+1 555 0002' }] });
    ada.consultations.saveVersion({ consultationId: id, expectedVersion: 2 });
    bea.consultations.autosave({ consultationId: id, edits: [{ path: 'contact_info.website', value: 'https://twice.test' }] });
    const mine = bea.consultations.saveVersion({ consultationId: id, expectedVersion: 1 }).version!.id;
    await ada.sync();
    await bea.sync();
    expect(versionNumbers(bea, id)).toEqual([1, 2, 3, 4]);
    expect(bea.store.versionById(mine)?.versionNumber).toBe(4);
    await ada.sync();
    expect(syncedState(ada)).toEqual(syncedState(bea));
    expect(ada.consultations.get({ consultationId: id }).consultation.sections.contact_info).toMatchObject({
      phone: '+1 555 0002',
      website: 'https://twice.test',
    });
  }, 120_000);

  it('status moves, a signed version and the team’s conflicts reach a fresh laptop of the same consultant exactly', async () => {
    const { add } = setup();
    const ada = add('Ada');
    const early = add('Early', { sameUserAs: ada });
    const signed = ada.consultations.create({ sections: fullSections('Signed Shop') }).consultation.id;
    const fought = ada.consultations.create({ sections: fullSections('Fought Over') }).consultation.id;
    ada.consultations.signOff({ consultationId: signed, signerName: 'Client Ümit Çelik', signatureImage: signaturePng() });
    ada.consultations.complete({ consultationId: signed });
    ada.consultations.reopen({ consultationId: signed });
    await ada.sync();
    await early.sync();
    early.consultations.autosave({ consultationId: fought, edits: [{ path: 'contact_info.phone', value: '+1 555 1111' }] });
    ada.consultations.autosave({ consultationId: fought, edits: [{ path: 'contact_info.phone', value: '+1 555 2222' }] });
    await ada.sync();
    await early.sync();
    await ada.sync();
    expect(conflictRows(early).length).toBeGreaterThan(0);
    const fresh = add('Fresh', { sameUserAs: ada, ...applying });
    await fresh.sync();
    expect(syncedState(fresh)).toEqual(syncedState(early));
    expect(conflictRows(fresh)).toEqual(conflictRows(early));
    expect(fresh.consultations.get({ consultationId: signed }).signOff).toEqual(ada.consultations.get({ consultationId: signed }).signOff);
    expect(fresh.consultations.statusEvents({ consultationId: signed }).map((e) => e.to)).toEqual(
      ada.consultations.statusEvents({ consultationId: signed }).map((e) => e.to),
    );
  }, 120_000);

  it('a second laptop with its own profile (same email) and a visit typed before its first sync adopts the team identity in the first page, over many pages', async () => {
    const { remote, add } = setup();
    const ada = add('Ada');
    for (let i = 0; i < 25; i += 1) ada.consultations.create({ sections: fullSections(`Adopted Team ${i}`) });
    await ada.sync();
    const second = add('Ada', { sizing: smallPages(), ...applying });
    const mine = second.consultations.create({ sections: fullSections('Typed Before Sync') }).consultation.id;
    second.consultations.autosave({ consultationId: mine, edits: [{ path: 'contact_info.phone', value: '+1 555 0404' }] });
    expect(second.users.current()!.id).not.toBe(ada.users.current()!.id);
    await second.sync();
    expect(second.engine.quarantine()).toEqual([]);
    expect(second.users.current()!.id).toBe(ada.users.current()!.id);
    expect(second.store.find(mine)?.userId).toBe(ada.users.current()!.id);
    const team = await remote.execute({ sql: 'SELECT user_id, contact_info FROM consultations WHERE id = ?', args: [mine] });
    expect(String(team.rows[0]?.user_id)).toBe(ada.users.current()!.id);
    expect(String(team.rows[0]?.contact_info)).toContain('+1 555 0404');
    await ada.sync();
    expect(syncedState(second)).toEqual(syncedState(ada));
    expect(second.engine.pendingCount()).toBe(0);
  }, 120_000);
});
