-- Tier 2 (extended) certification of an installed link: the OTDR trace of every fiber, analysed by
-- lanecert (not the instrument's own verdicts): length against the design, loss from the launch cord's end
-- (its connection to the link included: launch compensation, the cord is the station wire's reference cord)
-- to the fiber's end against the length-based budget, each event's loss and reflectance against the limit
-- of the design's event at that place (or of a mated pair / splice where the design has none).
-- The Tier 1 polarity and loss steps run first on the station's source and meter; a station without them
-- records Tier 1 as not measured (inconclusive): Tier 2 = Tier 1 + OTDR. Options: wavelengths=1310,1550 (Tier 1), otdr_wavelengths=1310,1550 (default: the link's first
-- test wavelength: many field OTDRs have one), pulse_ns, range_m, averaging (OTDR settings). The lane skew
-- follows from the traces' fiber lengths (longest - shortest) x group index / c (ctx:skew; options
-- group_index, default 1.468, and pmd, the PMD whose skew limit applies).
local optical = require("optical")

local function has_olts(ctx) return ctx:wired_paths("forward") > 0 end

return {
  name = "field-tier2",
  version = "2",
  summary = "Tier 2: OTDR events, length and loss per fiber (plus Tier 1 where the station is wired for it)",
  steps = {
    {
      name = "tier1",
      main = function(ctx)
        if not has_olts(ctx) then
          -- Tier 2 is Tier 1 (loss with a source and meter) plus the OTDR (TIA-568.3): without the
          -- Tier 1 measurement the link is not certified, whatever the traces say.
          ctx:verdict("inconclusive", "Tier 1 not measured: no source and meter wired to this link; "
            .. "without Tier 1 loss this is not a Tier 2 certificate")
          return
        end
        ctx:fiber_map { wavelength = optical.wavelengths(ctx)[1] }
        optical.insertion_loss(ctx, nil, true)
      end,
    },
    {
      name = "otdr",
      main = function(ctx)
        local wls = { optical.wavelengths(ctx)[1] }
        local opt = ctx:option("otdr_wavelengths")
        if opt then
          wls = {}
          for w in string.gmatch(opt, "[^,]+") do wls[#wls + 1] = tonumber(w) or error("otdr_wavelengths: '" .. w .. "'") end
        end
        for _, nm in ipairs(wls) do
          ctx:otdr {
            wavelength = nm,
            pulse_ns = tonumber(ctx:option("pulse_ns", "10")),
            range_m = tonumber(ctx:option("range_m", "2000")),
            averaging = tonumber(ctx:option("averaging", "10")),
          }
        end
        -- the lanes' skew from the fibers' lengths the traces gave (options group_index, pmd)
        ctx:skew {}
      end,
    },
  },
}
