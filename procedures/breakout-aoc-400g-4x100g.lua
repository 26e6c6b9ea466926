-- 400G QSFP-DD -> 4 x QSFP28 AOC breakout: the module at every end (the QSFP-DD at A, a QSFP28 on each leg)
-- against its own thresholds, each leg's compatibility with end A from the two memories (a QSFP28 end's DSP
-- presents its host 4 x 25G NRZ over the leg's 2 x 50G PAM4 media lanes: what an older 100G port expects),
-- the lane map by BERT (which leg each lane reaches), BER per lane with confidence with every module's
-- temperature and Tx power sampled through the soak (monitor_every, default 10 s), and the modules'
-- temperature after the soak. Options as aoc-400g. The BERT drives end A's host lanes, 53.125 Gb/s each
-- (fixtures/cables/aoc-400g-qsfpdd-4xqsfp28.json); the BER at a leg's own 25G host lanes behind its DSP is
-- not measured (docs/procedures.md). --option module_ber=1 adds BER per media lane through the modules' own
-- PRBS generators and checkers (end A's to each leg's and back; legs without CMIS diagnostics pages leave it
-- not measured). The default target is the AOC BER class of 50/100/200GAUI AOCs, 2.6e-4
-- (domain-facts 4c, SFF-8024 / CMIS media codes).
local bert = require("bert")
local defaults = { bit_rate = 53.125e9, target = 2.6e-4 }

local function every_end(ctx)
  for _, e in ipairs(ctx.ends) do ctx:module { ["end"] = e } end
end

local function every_leg_with_a(ctx)
  for _, e in ipairs(ctx.ends) do
    if e ~= "A" then ctx:compat { ["end"] = e, with = "A" } end
  end
end

return {
  name = "breakout-aoc-400g-4x100g",
  version = "3",
  summary = "400G QSFP-DD to 4 x QSFP28 AOC breakout: modules and compatibility at every end, lane map and BER per lane by leg",
  steps = {
    { name = "modules", main = every_end },
    { name = "compatibility", main = every_leg_with_a },
    { name = "lane-map", main = function(ctx) bert.lane_map(ctx, defaults) end },
    {
      name = "ber",
      main = function(ctx)
        bert.ber(ctx, { bit_rate = defaults.bit_rate, target = defaults.target, monitor = ctx.ends })
        bert.module_ber(ctx, 2, defaults) -- --option module_ber=1: the modules' own PRBS, both ways
      end,
    },
    { name = "temperature-after-soak", main = every_end },
  },
}
