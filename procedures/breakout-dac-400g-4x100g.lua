-- 400G QSFP-DD -> 4 x QSFP56 passive copper DAC breakout: no optics. The memory of the module at every end
-- must say passive copper, the cable's length and the lanes each end carries; each leg must link with end A
-- from the two memories (a passive DAC has no DSP: a leg of 2 x 50G PAM4 needs a QSFP56 end, a QSFP28
-- leg's 4 x 25G NRZ is a wrong part); then the lane map and BER per lane by BERT (each leg 2 x 53.125 Gb/s,
-- against 2.4e-4 pre-FEC by default).
local bert = require("bert")
local defaults = { bit_rate = 53.125e9, target = 2.4e-4 }

return {
  name = "breakout-dac-400g-4x100g",
  version = "2",
  summary = "400G QSFP-DD to 4 x QSFP56 DAC breakout: module memory at every end, lane map and BER per lane",
  steps = {
    {
      name = "modules",
      main = function(ctx)
        for _, e in ipairs(ctx.ends) do
          local m = ctx:module { ["end"] = e }
          -- The cable's own memory must describe a passive copper assembly.
          local copper = string.find(string.lower(m.media_type or ""), "copper", 1, true) ~= nil
          ctx:check("media_is_passive_copper", copper and 1 or 0, { min = 1, unit = "bool" })
          if m.cable_length_m then ctx:record("cable_length", m.cable_length_m, "m") end
        end
      end,
    },
    {
      name = "compatibility",
      main = function(ctx)
        for _, e in ipairs(ctx.ends) do
          if e ~= "A" then ctx:compat { ["end"] = e, with = "A" } end
        end
      end,
    },
    { name = "lane-map", main = function(ctx) bert.lane_map(ctx, defaults) end },
    { name = "ber", main = function(ctx) bert.ber(ctx, defaults) end },
  },
}
