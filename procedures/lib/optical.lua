-- Shared steps of the optical procedures: wavelengths to test, and reference + insertion loss in the
-- directions the station is wired for.
local M = {}

-- Wavelengths (nm) from the run option "wavelengths" ("1310,1550"), else `defaults`, else the channel's.
function M.wavelengths(ctx, defaults)
  local s = ctx:option("wavelengths")
  if not s then
    if defaults and #defaults > 0 then return defaults end
    return ctx.wavelengths
  end
  local out = {}
  for w in string.gmatch(s, "[^,]+") do
    local n = tonumber(w)
    if not n then error("option wavelengths: '" .. w .. "' is not a wavelength in nm", 2) end
    out[#out + 1] = n
  end
  if #out == 0 then error("option wavelengths is empty", 2) end
  return out
end

-- The directions to measure: "forward" always; "reverse" too where the station is wired for it (the
-- option directions=both insists on it, directions=forward leaves it out).
function M.directions(ctx, both)
  local opt = ctx:option("directions")
  if opt == nil then
    if both and ctx:wired_paths("reverse") > 0 then return { "forward", "reverse" } end
    return { "forward" }
  end
  if opt == "forward" then return { "forward" } end
  if opt == "both" then return { "forward", "reverse" } end
  error("option directions must be 'forward' or 'both', not '" .. opt .. "'", 2)
end

-- Reference, then insertion loss of every wired fiber, per wavelength and direction. The reference is
-- taken over the reference cords alone (1-jumper by default: option reference=2-jumper|3-jumper).
function M.insertion_loss(ctx, defaults, both)
  local wls = M.wavelengths(ctx, defaults)
  local dirs = M.directions(ctx, both)
  local total, done = #wls * #dirs, 0
  for _, nm in ipairs(wls) do
    for _, dir in ipairs(dirs) do
      ctx:progress(done / total, string.format("%d nm %s", nm, dir))
      ctx:reference { wavelength = nm, direction = dir, method = ctx:option("reference", "1-jumper") }
      ctx:insertion_loss { wavelength = nm, direction = dir }
      done = done + 1
    end
  end
  ctx:progress(1)
end

return M
