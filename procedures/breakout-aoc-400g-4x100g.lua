-- 400G QSFP-DD -> 4 x QSFP28 AOC breakout: the module at every end (the QSFP-DD at A, a QSFP28 on each leg)
-- against its own thresholds, the lane map by BERT (which leg each lane reaches), BER per lane with
-- confidence, and the modules' temperature after the soak. Options as aoc-400g. Each leg carries two
-- 53.125 Gb/s lanes (fixtures/cables/aoc-400g-qsfpdd-4xqsfp28.json); the default target is the AOC BER
-- class of 50/100/200GAUI AOCs, 2.6e-4 (domain-facts 4c, SFF-8024 / CMIS media codes).
local bert = require("bert")
local defaults = { bit_rate = 53.125e9, target = 2.6e-4 }

local function every_end(ctx)
  for _, e in ipairs(ctx.ends) do ctx:module { ["end"] = e } end
end

return {
  name = "breakout-aoc-400g-4x100g",
  version = "1",
  summary = "400G QSFP-DD to 4 x QSFP28 AOC breakout: modules at every end, lane map and BER per lane by leg",
  steps = {
    { name = "modules", main = every_end },
    { name = "lane-map", main = function(ctx) bert.lane_map(ctx, defaults) end },
    { name = "ber", main = function(ctx) bert.ber(ctx, defaults) end },
    { name = "temperature-after-soak", main = every_end },
  },
}
