-- producer_consumer.m -- the Murphi twin of tests/bench/producer_consumer.weft, for Rumur.
--
-- Producers and consumers are two rulesets over their instance indices (weft's 'id'). The queue
-- is an array of CAP slots and a length qlen: 'put q, e' (one step, blocks while full) writes
-- slot qlen; 'get q, x' (one step, blocks while empty) takes slot 0 and shifts the rest down,
-- clearing the freed slot, so that equal queue contents are equal states. 'repeat' is unrolled:
-- pp[i] counts producer i's puts (ITEMS: done); a consumer's pc cp[j] is 2r for the get of
-- round r, 2r+1 for 'total = total + item', 2*TAKES for done. Finished threads stay.
--
-- Ranges as declared in weft ('queue q[CAP]: 1..PRODUCERS', 'item' 0..PRODUCERS, 'total'
-- 0..SUM). The values put are 1..PRODUCERS; a slot here is 0..PRODUCERS, as 0 marks a free
-- slot (weft keeps free slots at all-zero bits and stores value - 1, so its slot needs one
-- value fewer: the same 2 bits for PRODUCERS = 3). An item is 0..PRODUCERS, and 'total' never
-- exceeds the sum of all items, SUM = ITEMS*PRODUCERS*(PRODUCERS+1)/2: these ranges cover
-- every reachable value, so they change no count.
-- tests/bench/rumur_compare.sh rewrites the constants (3, 3, 4, 3: 2,362,138 states).
const
  PRODUCERS: 2;
  CONSUMERS: 2;
  ITEMS: 2;
  CAP: 2;
  TAKES: PRODUCERS * ITEMS / CONSUMERS;
  SUM: ITEMS * PRODUCERS * (PRODUCERS + 1) / 2;
type
  pid: 0..PRODUCERS-1;
  cid: 0..CONSUMERS-1;
  slot: 0..CAP-1;
  value: 0..PRODUCERS;
var
  q: array[slot] of value;
  qlen: 0..CAP;
  total: 0..SUM;
  item: array[cid] of value;
  pp: array[pid] of 0..ITEMS;
  cp: array[cid] of 0..2*TAKES;

startstate begin
  for s: slot do q[s] := 0; end;
  qlen := 0;
  total := 0;
  for i: pid do pp[i] := 0; end;
  for j: cid do item[j] := 0; cp[j] := 0; end;
end;

ruleset i: pid do
  rule "put" pp[i] < ITEMS & qlen < CAP ==>
  begin q[qlen] := i + 1; qlen := qlen + 1; pp[i] := pp[i] + 1; end;
end;

ruleset j: cid do
  rule "get" cp[j] < 2*TAKES & cp[j] % 2 = 0 & qlen > 0 ==>
  begin
    item[j] := q[0];
    for s: 0..CAP-2 do q[s] := q[s + 1]; end;
    q[CAP - 1] := 0;
    qlen := qlen - 1;
    cp[j] := cp[j] + 1;
  end;

  rule "add" cp[j] % 2 = 1 ==>
  begin total := total + item[j]; cp[j] := cp[j] + 1; end;
end;
