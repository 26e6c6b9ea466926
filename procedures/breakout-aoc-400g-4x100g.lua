-- 400G QSFP-DD -> 4 x QSFP28 AOC breakout: the module at every end (the QSFP-DD at A, a QSFP28 on each leg)
-- against its own thresholds, the lane map by BERT (which leg each lane reaches), BER per lane with
-- confidence, and the modules' temperature after the soak. Options as aoc-400g; the legs run at
-- 4 x 25.78125 Gb/s NRZ (100GAUI-4/CAUI-4), so the default is PRBS31 at 25.78125e9 against 1e-12.
local bert = require("bert")
local defaults = { bit_rate = 25.78125e9, pattern = "PRBS31", target = 1e-12 }

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
