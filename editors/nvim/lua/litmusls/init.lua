-- litmusls for Neovim: starts the litmusls language server for litmus tests
-- (and for C files that carry `litmus:` annotations) and adds a few commands.
--
-- Works on Neovim 0.7 (vim.lsp.start_client + vim.lsp.buf_attach_client) and
-- on 0.8 and later (vim.lsp.start). See :help litmusls.
local M = {}

-- The defaults of setup(); :help litmusls-options documents each.
M.defaults = {
  -- The command that runs the server (a list: program and arguments).
  cmd = { 'litmusls', 'serve' },
  -- Filetypes to attach to. C buffers are attached only when they carry a
  -- `litmus:` annotation (see c_annotations).
  filetypes = { 'litmus', 'c' },
  -- Attach to C buffers only if one of their comments says `litmus:`.
  c_annotations = true,
  -- Server settings: debounce and checkBudget are Go durations ("200ms",
  -- "10s"), hoverArchs a list of architectures (x86-64, powerpc64, arm64,
  -- riscv64); nil leaves the server's default (all four).
  settings = {
    litmusls = {
      debounce = nil,
      checkBudget = nil,
      hoverArchs = nil,
    },
  },
  -- Files or folders whose presence marks the project root.
  root_markers = { '.git' },
  -- Called as on_attach(client, bufnr) when the server attaches to a buffer.
  on_attach = nil,
  -- LSP client capabilities; nil means Neovim's defaults.
  capabilities = nil,
  -- Define :LitmusCheck, :LitmusWitness and :LitmusTranslate.
  commands = true,
  -- Buffer-local key maps set when the server attaches, each only if the
  -- key is not mapped already (by you, globally or in on_attach, or by
  -- Neovim) and the server supports the request. false turns all off; a
  -- false entry turns one off; a string changes the key.
  keymaps = {
    hover = 'K',
    definition = 'gd',
    references = 'gr',
    code_action = '<leader>ca',
    format = '<leader>f',
    prev_diagnostic = '[d',
    next_diagnostic = ']d',
  },
}

M.config = nil

-- clients[root] is the id of the client started for that root (Neovim 0.7).
local clients = {}

-- warned[program] is set once the missing program has been reported.
local warned = {}

local function merge(defaults, opts)
  return vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
end

-- has_annotation reports whether a C buffer carries a `litmus:` annotation
-- in a comment, e.g. `// litmus: test NAME`.
function M.has_annotation(bufnr)
  for _, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if line:match('//%s*litmus:') or line:match('/%*+%s*litmus:') or line:match('^%s*%*%s*litmus:') then
      return true
    end
  end
  return false
end

-- root_for returns the project root of the file at path: the nearest
-- folder above it holding one of markers. A file in no project gets
-- Neovim's working directory, so that such files share one server rather
-- than starting one per folder.
local function root_for(path, markers)
  local dir = path ~= '' and vim.fn.fnamemodify(path, ':p:h') or vim.fn.getcwd()
  for _, marker in ipairs(markers or {}) do
    local found = vim.fn.finddir(marker, vim.fn.fnameescape(dir) .. ';')
    if found == '' then
      found = vim.fn.findfile(marker, vim.fn.fnameescape(dir) .. ';')
    end
    if found ~= '' then
      return vim.fn.fnamemodify(found, ':p:h:h')
    end
  end
  return vim.fn.getcwd()
end

local function root_dir(bufnr, markers)
  return root_for(vim.api.nvim_buf_get_name(bufnr), markers)
end

-- The settings object the server reads: the "litmusls" table if there is
-- one, with nil entries left out. An empty one is vim.empty_dict(), which
-- goes out as the JSON object {} (an empty Lua table would be the array []).
local function server_settings(settings)
  local s = type(settings) == 'table' and (settings.litmusls or settings) or {}
  local out = {}
  for k, v in pairs(type(s) == 'table' and s or {}) do
    if v ~= nil and v ~= vim.NIL then
      out[k] = v
    end
  end
  if next(out) == nil then
    return vim.empty_dict()
  end
  return out
end

-- keymap_actions lists the maps of the keymaps option: the option's name,
-- the server capability it needs (nil: none) and what the key does.
local keymap_actions = {
  { 'hover', 'hoverProvider', function()
    vim.lsp.buf.hover()
  end },
  { 'definition', 'definitionProvider', function()
    vim.lsp.buf.definition()
  end },
  { 'references', 'referencesProvider', function()
    vim.lsp.buf.references()
  end },
  { 'code_action', 'codeActionProvider', function()
    vim.lsp.buf.code_action()
  end },
  { 'format', 'documentFormattingProvider', function()
    if vim.lsp.buf.format then
      vim.lsp.buf.format({ name = 'litmusls' })
    else
      vim.lsp.buf.formatting()
    end
  end },
  { 'prev_diagnostic', nil, function()
    if vim.diagnostic.jump then
      vim.diagnostic.jump({ count = -1, float = true })
    else
      vim.diagnostic.goto_prev()
    end
  end },
  { 'next_diagnostic', nil, function()
    if vim.diagnostic.jump then
      vim.diagnostic.jump({ count = 1, float = true })
    else
      vim.diagnostic.goto_next()
    end
  end },
}

-- set_keymaps maps the keys of the keymaps option in bufnr, each only if
-- the key is not mapped yet in normal mode and the client supports it.
-- keymaps nil means the defaults. It returns the keys it mapped.
function M.set_keymaps(client, bufnr, keymaps)
  local mapped = {}
  if keymaps == nil then
    keymaps = M.defaults.keymaps
  end
  if type(keymaps) ~= 'table' then
    return mapped
  end
  local caps = client and (client.server_capabilities or client.resolved_capabilities) or {}
  for _, a in ipairs(keymap_actions) do
    local name, cap, fn = a[1], a[2], a[3]
    local lhs = keymaps[name]
    if type(lhs) == 'string' and lhs ~= '' and (cap == nil or caps[cap]) then
      local taken = vim.api.nvim_buf_call(bufnr, function()
        return vim.fn.maparg(lhs, 'n') ~= ''
      end)
      if not taken then
        vim.keymap.set('n', lhs, fn, { buffer = bufnr, silent = true, desc = 'litmusls: ' .. name:gsub('_', ' ') })
        table.insert(mapped, lhs)
      end
    end
  end
  return mapped
end

local function client_config(cfg, bufnr)
  local settings = server_settings(cfg.settings)
  local conf = {
    name = 'litmusls',
    cmd = cfg.cmd,
    root_dir = root_dir(bufnr, cfg.root_markers),
    init_options = settings,
    settings = { litmusls = settings },
    on_attach = function(client, buf)
      if cfg.on_attach then
        cfg.on_attach(client, buf)
      end
      M.set_keymaps(client, buf, cfg.keymaps)
    end,
  }
  if cfg.capabilities then
    conf.capabilities = cfg.capabilities
  end
  return conf
end

local function has_start()
  return vim.lsp.start ~= nil
end

-- attach starts the server for bufnr's project if needed and attaches it.
-- It returns the client id, or nil if the buffer is not for litmusls.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local cfg = M.config or merge(M.defaults, {})
  local ft = vim.api.nvim_buf_get_option(bufnr, 'filetype')
  if not vim.tbl_contains(cfg.filetypes, ft) then
    return nil
  end
  if ft == 'c' and cfg.c_annotations and not M.has_annotation(bufnr) then
    return nil
  end
  if vim.fn.executable(cfg.cmd[1]) ~= 1 then
    if not warned[cfg.cmd[1]] then
      warned[cfg.cmd[1]] = true
      vim.notify('litmusls: ' .. cfg.cmd[1] .. ' is not executable; put it on $PATH or set cmd in '
        .. 'require("litmusls").setup() (:help litmusls-option-cmd)', vim.log.levels.ERROR)
    end
    return nil
  end
  local conf = client_config(cfg, bufnr)
  if has_start() then
    -- Neovim 0.8.0's vim.lsp.start attaches to the current buffer and has
    -- no bufnr option; later versions take it. Make bufnr current for both.
    return vim.api.nvim_buf_call(bufnr, function()
      return vim.lsp.start(conf, { bufnr = bufnr })
    end)
  end
  -- Neovim 0.7: one client per root, started once.
  local id = clients[conf.root_dir]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(conf)
    if not id then
      return nil
    end
    clients[conf.root_dir] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

-- client returns the litmusls client attached to bufnr, or nil.
function M.client(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local list
  if vim.lsp.get_clients then
    list = vim.lsp.get_clients({ bufnr = bufnr })
  else
    list = vim.lsp.buf_get_clients(bufnr)
  end
  for _, c in pairs(list) do
    if c.name == 'litmusls' then
      return c
    end
  end
  return nil
end

-- run_cli runs `litmusls ARGS... FILE` on bufnr's text and shows the output
-- in a scratch split named title. A buffer with unsaved changes is written
-- to a hidden copy beside its file (so relative paths in annotations still
-- resolve), an unnamed one to a temporary file; the copy's name is replaced
-- by the buffer's in the output, and the copy is deleted.
local function run_cli(args, title, filetype)
  local cfg = M.config or M.defaults
  local bufnr = vim.api.nvim_get_current_buf()
  local name = vim.api.nvim_buf_get_name(bufnr)
  local file, copy = name, nil
  if name == '' then
    copy = vim.fn.tempname() .. '.litmus'
  elseif vim.api.nvim_buf_get_option(bufnr, 'modified') then
    local dir, tail = vim.fn.fnamemodify(name, ':h'), vim.fn.fnamemodify(name, ':t:r')
    local ext = vim.fn.fnamemodify(name, ':e')
    copy = string.format('%s/.%s.unsaved-%d%s', dir, tail, vim.fn.getpid(), ext ~= '' and ('.' .. ext) or '')
  end
  if copy then
    vim.fn.writefile(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), copy)
    file = copy
  end
  local cmd = { cfg.cmd[1] }
  vim.list_extend(cmd, args)
  table.insert(cmd, file)
  local out = vim.fn.systemlist(cmd)
  local status = vim.v.shell_error
  if copy then
    vim.fn.delete(copy)
    local shown = name ~= '' and name or '[No Name]'
    for i, line in ipairs(out) do
      out[i] = (line:gsub(vim.pesc(copy), function()
        return shown
      end))
    end
  end
  if status ~= 0 and #out == 0 then
    out = { 'litmusls: ' .. table.concat(cmd, ' ') .. ' failed with status ' .. status }
  end
  vim.cmd('botright new')
  local buf = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, out)
  vim.api.nvim_buf_set_option(buf, 'buftype', 'nofile')
  vim.api.nvim_buf_set_option(buf, 'bufhidden', 'wipe')
  vim.api.nvim_buf_set_option(buf, 'modified', false)
  if filetype then
    vim.api.nvim_buf_set_option(buf, 'filetype', filetype)
  end
  pcall(vim.api.nvim_buf_set_name, buf, title)
  return buf
end

-- check runs the checker on the current buffer and shows herd7's output.
function M.check()
  return run_cli({ 'check' }, 'litmusls://check')
end

-- witness shows the checker's explanation: which write each read saw for a
-- reachable outcome, or the cycle that forbids it.
function M.witness()
  return run_cli({ 'check', '--explain' }, 'litmusls://witness')
end

-- translate turns the current annotated BPF C file into a litmus test.
function M.translate()
  return run_cli({ 'translate' }, 'litmusls://translate', 'litmus')
end

local function define_commands()
  vim.cmd([[
    command! LitmusCheck lua require('litmusls').check()
    command! LitmusWitness lua require('litmusls').witness()
    command! LitmusTranslate lua require('litmusls').translate()
  ]])
end

-- setup(opts) configures the plugin and attaches litmusls to the buffers of
-- opts.filetypes, those open now and those opened later.
function M.setup(opts)
  M.config = merge(M.defaults, opts)
  if type(M.config.cmd) == 'string' then
    M.config.cmd = { M.config.cmd, 'serve' }
  end
  local group = vim.api.nvim_create_augroup('litmusls', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  if M.config.commands then
    define_commands()
  end
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      M.attach(bufnr)
    end
  end
end

-- lspconfig returns a server configuration for nvim-lspconfig's configs
-- table (see :help litmusls-lspconfig).
function M.lspconfig(opts)
  local cfg = merge(M.defaults, opts)
  return {
    default_config = {
      cmd = cfg.cmd,
      filetypes = cfg.filetypes,
      root_dir = function(fname)
        return root_for(fname, cfg.root_markers)
      end,
      init_options = server_settings(cfg.settings),
      settings = { litmusls = server_settings(cfg.settings) },
    },
  }
end

return M
