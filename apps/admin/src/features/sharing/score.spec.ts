import { operatorOf, placeOf, scoreGrade, signalLabel, topEvidence, travelOf } from './score';

describe('sharing score helpers', () => {
  it('grades scores by colour and word', () => {
    expect([0, 10, 25, 55, 80].map((s) => scoreGrade(s).label)).toEqual(['none', 'low', 'moderate', 'elevated', 'high']);
    expect(scoreGrade(100).color).toBe('red');
  });

  it('names signals, places and network operators, with a fallback for unknowns', () => {
    expect(signalLabel('impossible-travel')).toBe('Impossible travel');
    expect(signalLabel('something-new')).toBe('something-new');
    expect(placeOf({ city: 'Sydney', country: 'AU' })).toBe('Sydney, AU');
    expect(placeOf({ city: null, country: null })).toBe('Unknown place');
    expect(operatorOf({ asn: 1221, organisation: 'Telstra Limited' })).toBe('AS1221 Telstra Limited');
    expect(operatorOf({ asn: null, organisation: null })).toBe('Unknown network operator');
  });

  it('picks the weightiest evidence and reads travel details', () => {
    const travel = {
      signal: 'impossible-travel' as const,
      points: 25,
      summary: 'Started in Sydney',
      details: {
        from: { at: '2026-12-01T00:00:00Z', city: 'Paris' },
        to: { at: '2026-12-01T00:01:00Z', city: 'Sydney' },
        distanceKm: 16960,
      },
    };
    const countries = { signal: 'countries-24h' as const, points: 15, summary: '2 countries', details: {} };
    expect(topEvidence([countries, travel])).toBe(travel);
    expect(topEvidence([])).toBeUndefined();
    expect(travelOf(travel)).toMatchObject({ from: { city: 'Paris' }, to: { city: 'Sydney' }, distanceKm: 16960 });
    expect(travelOf(countries)).toBeUndefined();
  });
});
