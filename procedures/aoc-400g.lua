-- 400G QSFP-DD <-> QSFP-DD active optical cable: module identity and monitors at both ends against each
-- module's own thresholds, the lane map by BERT, BER per lane with confidence (sequential: each lane stops
-- as soon as it is proven) with both modules' temperature and Tx power sampled through the soak
-- (monitor_every, default 10 s of instrument time), and the modules' temperature again after the BER soak.
-- Options: bit_rate (per lane, default 53.125e9: 400GAUI-8), pattern (PRBS31; PRBS31Q where the BERT's PAM4
-- syntax is documented), target (BER, default
-- 2.6e-4: the AOC BER class of 400GAUI-8 AOCs, domain-facts 4c; 1e-12 for a raw NRZ link), cl (0.95),
-- max_time (s; default: long enough for a clean lane to prove the target).
local bert = require("bert")
local defaults = { bit_rate = 53.125e9, target = 2.6e-4, monitor = { "A", "B" } }

return {
  name = "aoc-400g",
  version = "3",
  summary = "400G QSFP-DD AOC: module identity and DOM at both ends, lane map and BER per lane by BERT",
  steps = {
    {
      name = "modules",
      main = function(ctx)
        for _, e in ipairs({ "A", "B" }) do ctx:module { ["end"] = e } end
      end,
    },
    { name = "lane-map", main = function(ctx) bert.lane_map(ctx, defaults) end },
    {
      name = "ber",
      main = function(ctx)
        bert.ber(ctx, defaults)
        bert.module_ber(ctx, 8, defaults) -- --option module_ber=1: the modules' own PRBS, both ways
      end,
    },
    {
      name = "temperature-after-soak",
      main = function(ctx)
        for _, e in ipairs({ "A", "B" }) do ctx:module { ["end"] = e } end
      end,
    },
  },
}
