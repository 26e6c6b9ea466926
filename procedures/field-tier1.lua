-- Tier 1 (basic) certification of an installed link with a light source and a power meter (OLTS):
-- polarity, and loss per fiber at both test wavelengths of the fiber mode against the length-based
-- budget of the link's design (connectors, splices, attenuation x length). An OLTS of separate source and
-- meter cannot measure length: the report gives the design's length, and field-tier2 measures it.
local optical = require("optical")

local function mode_wavelengths(ctx)
  local wls = ctx.wavelengths
  if #wls > 0 then return wls end
  error("the link's design names no test wavelengths (fixtures/cables: \"wavelengths_nm\")")
end

return {
  name = "field-tier1",
  version = "1",
  summary = "Tier 1: polarity and loss per fiber at both wavelengths against the length-based budget",
  steps = {
    {
      name = "polarity",
      main = function(ctx) ctx:fiber_map { wavelength = mode_wavelengths(ctx)[1] } end,
    },
    {
      name = "loss",
      main = function(ctx) optical.insertion_loss(ctx, mode_wavelengths(ctx), true) end,
    },
  },
}
